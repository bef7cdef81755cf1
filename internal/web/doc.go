// Package web is Grondslag's HTTP face: server-rendered Dutch HTML for the people who work with
// it (works without JavaScript, WCAG 2.1 AA) and the JSON API under /api/v1 that follows the
// Dutch API Design Rules, with an OpenAPI 3 document served at /api/v1/openapi.json.
//
// All routes are in routes.go. Handlers return errors; htmlHandler renders them as a Dutch error
// page and apiHandler as application/problem+json (RFC 9457). Every handler that touches pupil
// data first checks that the user holds a relation with the pupil that the convenant recognises
// (otherwise 404), then asks the policy per data category with the user's party, role and
// purpose, and records the decision in the audit trail.
//
// The package sees its data only through the small interfaces in deps.go, so that tests use a
// real SQLite store or fakes, and cmd/grondslag wires the concrete store, policy and audit log.
package web
