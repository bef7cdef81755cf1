// Package layering holds no code: its test checks that the dependencies of the module point
// inward, as docs/architecture.md draws them. Domain packages import neither net/http nor
// database/sql nor internal/store nor internal/web; internal/store imports nothing of the web.
// A new package under internal/ is a domain package unless it is listed as an adapter in the test.
package layering
