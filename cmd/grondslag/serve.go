package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
)

func runServe(ctx context.Context, e env) error {
	fs := newFlagSet(e, "serve", "serve [--adres HOST:POORT] [--db BESTAND|postgres://…] [--convenant BESTAND]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	addr := fs.String("adres", envOr(e, "GRONDSLAG_ADRES", "127.0.0.1:8080"), "adres waarop de server luistert (GRONDSLAG_ADRES)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ring, err := cfg.keyRing()
	if err != nil {
		return err
	}
	return serveDB(ctx, e, cfg, *addr, db, ring)
}

// serveDB serves the web application on addr until ctx ends.
func serveDB(ctx context.Context, e env, cfg *config, addr string, db *store.DB, ring *ident.KeyRing) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.CheckSchema(r.Context()); err != nil {
			http.Error(w, "niet gereed", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("luisteren op %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "Grondslag luistert op http://%s\n", ln.Addr())
	slog.Info("server gestart", "adres", ln.Addr().String(), "database", db.Dialect().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shut)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
