// Package auth holds the rules of signing in to Grondslag, free of HTTP and SQL: argon2id password
// hashes, TOTP second factors (RFC 6238) with replay protection, recovery codes, one-time login codes
// for parents, session tokens with idle and absolute timeouts, login throttling parameters, API client
// tokens with scopes, and sealing of stored secrets (AES-GCM).
//
// The web package drives these rules; internal/store persists the records defined here.
package auth
