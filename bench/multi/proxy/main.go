// Command proxy is the load balancer of bench/multi: round robin over the instances, and a GET
// whose instance does not answer (killed, restarting) is tried once on the next one, as a real
// balancer with passive health checks would. Only for the benchmark and fault scripts.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
)

func main() {
	addr := flag.String("adres", "127.0.0.1:8080", "luisteradres")
	targets := flag.String("doelen", "", "instanties, komma-gescheiden (http://127.0.0.1:8081,…)")
	flag.Parse()
	var us []*url.URL
	for _, t := range strings.Split(*targets, ",") {
		u, err := url.Parse(strings.TrimSpace(t))
		if err != nil {
			log.Fatal(err)
		}
		us = append(us, u)
	}
	var next atomic.Uint64
	rt := http.DefaultTransport.(*http.Transport).Clone()
	rt.MaxIdleConnsPerHost = 256
	p := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(us[next.Add(1)%uint64(len(us))])
			r.Out.Host = r.In.Host
		},
		Transport: retry{rt: rt, us: us},
	}
	log.Fatal(http.ListenAndServe(*addr, p))
}

type retry struct {
	rt *http.Transport
	us []*url.URL
}

func (t retry) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(r)
	if err == nil || r.Method != http.MethodGet {
		return resp, err
	}
	for _, u := range t.us {
		if u.Host == r.URL.Host {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host = u.Scheme, u.Host
		if resp, err2 := t.rt.RoundTrip(r2); err2 == nil {
			return resp, nil
		}
	}
	return nil, err
}
