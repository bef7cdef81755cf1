// Command bevestigd checks, after a fault script, that every acknowledged pupil page has its
// entries in the audit log: it collects the trace id of every "GET /leerlingen/{id}" the servers
// answered with 200 (their JSON logs) and looks for that trace id among the leaves of
// `grondslag audit export --formaat bladen`. Only for bench/faults.
//
//	go run ./bench/faults/bevestigd -bladen bladen.jsonl serve-*.err
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	leaves := flag.String("bladen", "", "JSON-regels uit grondslag audit export --formaat bladen")
	route := flag.String("route", "GET /leerlingen/{id}", "de route waarvan elk 200-antwoord een auditregel moet hebben")
	flag.Parse()
	inLog := map[string]bool{}
	if err := eachLine(*leaves, func(b []byte) {
		var l struct {
			Trace string `json:"trace"`
		}
		if json.Unmarshal(b, &l) == nil && l.Trace != "" {
			inLog[l.Trace] = true
		}
	}); err != nil {
		log.Fatal(err)
	}
	acked, missing := 0, 0
	for _, f := range flag.Args() {
		if err := eachLine(f, func(b []byte) {
			var l struct {
				Msg    string `json:"msg"`
				Route  string `json:"route"`
				Status int    `json:"status"`
				Trace  string `json:"trace_id"`
			}
			if json.Unmarshal(b, &l) != nil || l.Msg != "http" || l.Route != *route || l.Status != 200 {
				return
			}
			acked++
			if !inLog[l.Trace] {
				missing++
				if missing <= 5 {
					fmt.Fprintf(os.Stderr, "bevestigd zonder auditregel: trace %s\n", l.Trace)
				}
			}
		}); err != nil {
			log.Fatal(err)
		}
	}
	verdict := "OK"
	if missing > 0 || acked == 0 {
		verdict = "FOUT"
	}
	fmt.Printf("RESULT bevestigde_paginas=%d zonder_auditregel=%d %s\n", acked, missing, verdict)
	if verdict != "OK" {
		os.Exit(1)
	}
}

func eachLine(path string, fn func([]byte)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	return sc.Err()
}
