// Package audit is Grondslag's tamper-evident audit trail.
//
// Every decision of the policy (allowed or denied) and every read, write and share of personal
// data becomes one Entry: who (user, organisation, role, on whose behalf), which pupil (pseudonym
// only), which data categories, which action, for which purpose, on which legal ground, convenant
// article and version, consent or DUO melding, with which outcome, through which access point,
// and the W3C trace context that links the two sides of an exchange. That is what NEN 7513 asks
// of an access log, and each entry is at the same time a record of the Dutch government standard
// Logboek Dataverwerkingen (see LogboekRecord).
//
// Entries are the leaves of an append-only Merkle tree per region, hashed as RFC 6962 prescribes
// (github.com/transparency-dev/merkle). The leaf bytes are a canonical JSON encoding (EncodeLeaf)
// that includes the region and the leaf index, so that a moved, inserted or removed entry no
// longer fits. Checkpoints (tree size, root hash, time) are signed notes in the transparency-dev
// checkpoint format with the region's Ed25519 key; whoever holds a checkpoint can check inclusion
// of any entry and consistency of any later checkpoint with it, without trusting the database.
//
// The package holds no SQL: internal/store keeps the entries and checkpoints and calls Verifier
// to recompute the tree. See docs/audit.md for the design.
package audit
