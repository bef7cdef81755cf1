package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/tracectx"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyTrace
	keyPrincipal
	keySlot
)

func requestID(ctx context.Context) string {
	v, _ := ctx.Value(keyRequestID).(string)
	return v
}

// requestTrace is the W3C trace context of a request: the request's own (a new trace for every
// request, as the Logboek Dataverwerkingen standard asks of a new processing) and, for an API call
// that sent a valid `traceparent`, the caller's operation, which the request's audit records name
// as their foreign_operation.
type requestTrace struct {
	own     tracectx.Context
	foreign tracectx.Context // zero when the caller sent none (or an invalid one)
}

func traceContext(ctx context.Context) audit.TraceContext {
	v, _ := ctx.Value(keyTrace).(requestTrace)
	return v.own
}

// foreignOperation is the caller's operation of an API request that sent a `traceparent`, with
// the caller's entity: the organisation the API client (or signed-in user) acts for. nil when the
// request carried no trace context or the principal has no organisation.
func foreignOperation(ctx context.Context, p *Principal) *audit.ForeignOperation {
	v, _ := ctx.Value(keyTrace).(requestTrace)
	if !v.foreign.IsValid() || p == nil {
		return nil
	}
	a := p.Actor()
	if a.OrgID == 0 {
		return nil
	}
	return &audit.ForeignOperation{TraceID: v.foreign.TraceID, OperationID: v.foreign.SpanID, Entity: audit.OrganisationURI(a.RegionID, a.OrgID)}
}

// statusWriter records the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// middleware: request id, W3C trace context on API calls, security headers, panic recovery and
// an access log without personal data (the route pattern, never the path with ids or the query).
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			var b [12]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		// Every request is a new trace of our own; an API caller's traceparent is kept as the
		// foreign operation (Logboek Dataverwerkingen: "Metadata verkregen via W3C Trace Context
		// MOET als foreign_operation worden opgenomen"), never adopted as our trace, so a caller
		// cannot merge its calls into another processing of ours.
		rt := requestTrace{own: tracectx.New()}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if in, err := tracectx.Parse(r.Header.Get("traceparent")); err == nil {
				rt.foreign = in
				rt.own.Flags = in.Flags
			}
		}
		tc := rt.own
		ctx = context.WithValue(ctx, keyTrace, rt)
		var endSpan func(route string, status int)
		if s.cfg.Spans != nil {
			ctx, endSpan = s.cfg.Spans(ctx, rt.own, rt.foreign)
		}
		r = r.WithContext(ctx)

		h := w.Header()
		h.Set("X-Request-ID", id)
		h.Set("traceresponse", tc.Traceparent())
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(ctx, "paniek in handler", "request_id", id, "paniek", p)
				if sw.status == 0 {
					e := &Error{Status: http.StatusInternalServerError, Title: "Er ging iets mis", Detail: "Er ging iets mis aan onze kant. Probeer het later opnieuw; blijft het misgaan, noem dan dit kenmerk aan de beheerder: " + id + "."}
					if strings.HasPrefix(r.URL.Path, "/api/") {
						writeProblem(sw, r, e)
					} else {
						s.renderStatus(sw, r, e.Status, "fout", e.Title, &errorPage{Fout: e})
					}
				}
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "http",
				slog.String("methode", r.Method),
				slog.String("route", routePattern(r)),
				slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes),
				slog.Duration("duur", time.Since(start)),
				slog.String("request_id", id),
				slog.String("trace_id", tc.TraceID.String()),
			)
			if endSpan != nil {
				endSpan(routePattern(r), sw.status)
			}
		}()
		if !s.limitBodies(sw, r) {
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// routePattern is the mux pattern that matched ("GET /leerlingen/{id}"), so that logs carry no
// ids, names or query strings.
func routePattern(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return "(geen route)"
}

func validRequestID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// clientAddr is the client's address for throttling: the connection's, or the first
// X-Forwarded-For hop when the server trusts its proxy. IPv6 addresses count per /64.
func (s *Server) clientAddr(r *http.Request) string {
	addr := r.RemoteAddr
	if s.cfg.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			addr = strings.TrimSpace(strings.Split(f, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
