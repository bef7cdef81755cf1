package envelope

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// AliasPrefix starts every per-pupil audit alias (a pseudonym of the region has no '-').
const AliasPrefix = "al-"

// aliasKeyInfo derives the alias key from a pupil's data key: HMAC-SHA256(data key, info). The
// alias key is never stored; it exists only while the data key does.
const aliasKeyInfo = "grondslag/audit-alias/v1"

// AuditAlias returns the pupil's audit alias: "al-" and the unpadded base64url of
// HMAC-SHA256(alias key, "regio" 0x00 region 0x00 "leerling" 0x00 pupil), the alias key being
// HMAC-SHA256(data key, "grondslag/audit-alias/v1"). It is the same for every entry about the
// pupil while the data key exists; once the data key is destroyed (crypto-shredding) nobody can
// compute it again — not even with the region's keys and the pupil's BSN — so the audit entries
// that carry it can no longer be tied to the child (docs/audit.md §10).
func (k *Key) AuditAlias(region, pupil int64) string {
	m := hmac.New(sha256.New, k.alias)
	m.Write([]byte("regio\x00" + strconv.FormatInt(region, 10) + "\x00leerling\x00" + strconv.FormatInt(pupil, 10)))
	return AliasPrefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func deriveAliasKey(raw []byte) []byte {
	m := hmac.New(sha256.New, raw)
	m.Write([]byte(aliasKeyInfo))
	return m.Sum(nil)
}
