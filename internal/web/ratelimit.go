package web

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate limiting of the API (OWASP API4:2023). Every caller has a token bucket of Requests per
// Window: the caller is the credential it sends (bearer token or session cookie, by hash) or,
// without one, its address. Every API response tells where the caller stands, in the fields of
// draft-ietf-httpapi-ratelimit-headers:
//
//	RateLimit-Policy: "api";q=600;w=60
//	RateLimit: "api";r=599;t=1
//
// (r: requests left, t: seconds until the bucket is full again). Above the limit the answer is
// 429 problem+json with Retry-After. The buckets live in this instance's memory: behind a load
// balancer with n instances a caller can make up to n times the limit (see docs/api.md).

// RateLimit is the API's limit per caller.
type RateLimit struct {
	Requests int           // per Window; 0 = DefaultRateLimit
	Window   time.Duration // 0 = DefaultRateLimit
}

// DefaultRateLimit is 600 requests a minute per caller, ten a second on average with bursts up
// to 600: enough for a student administration's nightly sync, small enough to stop a scraper.
var DefaultRateLimit = RateLimit{Requests: 600, Window: time.Minute}

type bucket struct {
	tokens float64
	at     time.Time
}

type rateLimiter struct {
	limit RateLimit
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

func newRateLimiter(l RateLimit, now func() time.Time) *rateLimiter {
	if l.Requests <= 0 || l.Window <= 0 {
		l = DefaultRateLimit
	}
	return &rateLimiter{limit: l, now: now, buckets: map[string]*bucket{}}
}

// take spends one request of key's bucket; it returns whether it was allowed, the requests left
// and the seconds until the bucket is full (allowed) or until one request is possible (not).
func (l *rateLimiter) take(key string) (ok bool, left int, wait int) {
	now := l.now()
	q := float64(l.limit.Requests)
	rate := q / l.limit.Window.Seconds() // tokens per second
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) > 100000 {
			l.sweep(now)
		}
		b = &bucket{tokens: q, at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.tokens = math.Min(q, b.tokens+d*rate)
	}
	b.at = now
	if b.tokens < 1 {
		return false, 0, int(math.Ceil((1 - b.tokens) / rate))
	}
	b.tokens--
	return true, int(b.tokens), int(math.Ceil((q - b.tokens) / rate))
}

// sweep forgets full buckets (callers that stopped); called with mu held.
func (l *rateLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.at) >= l.limit.Window {
			delete(l.buckets, k)
		}
	}
}

// rateKey names the caller of r: its credential (hashed) or its address.
func (s *Server) rateKey(r *http.Request) string {
	cred := r.Header.Get("Authorization")
	if cred == "" {
		for _, c := range r.Cookies() {
			if strings.HasSuffix(c.Name, "gs_sessie") {
				cred = c.Value
			}
		}
	}
	if cred == "" {
		return "adres:" + s.clientAddr(r)
	}
	h := sha256.Sum256([]byte(cred))
	return "cred:" + hex.EncodeToString(h[:12])
}

// rateLimit sets the RateLimit headers and reports whether r may go on; when not, it returns the
// 429 to send.
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request) *Error {
	ok, left, wait := s.limiter.take(s.rateKey(r))
	l := s.limiter.limit
	w.Header().Set("RateLimit-Policy", `"api";q=`+strconv.Itoa(l.Requests)+";w="+strconv.Itoa(int(l.Window.Seconds())))
	w.Header().Set("RateLimit", `"api";r=`+strconv.Itoa(left)+";t="+strconv.Itoa(wait))
	if ok {
		return nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(wait, 1)))
	return &Error{Status: http.StatusTooManyRequests, Title: "Te veel verzoeken",
		Detail: "U heeft de limiet van " + strconv.Itoa(l.Requests) + " verzoeken per " + strconv.Itoa(int(l.Window.Seconds())) + " seconden bereikt. Probeer het over " + strconv.Itoa(max(wait, 1)) + " seconden opnieuw."}
}

// cors answers for the origins the beheerder allowed (Config.CORSOrigins): the response names the
// origin in Access-Control-Allow-Origin; a preflight (OPTIONS) gets the methods and headers.
// Requests from other origins get no CORS headers, so browsers keep other sites' pages out. It
// reports whether the request was a preflight that has been answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	w.Header().Add("Vary", "Origin")
	if !contains(s.cfg.CORSOrigins, origin) {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Expose-Headers", "API-Version, ETag, Location, RateLimit, RateLimit-Policy, Retry-After, traceresponse")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, traceparent")
		w.Header().Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}
