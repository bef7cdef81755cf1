package web

import (
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
)

// ETags. An ETag names a record's version without showing its row number or its version
// count: the kind, the version and the row number encrypted in one AES block under the key of
// the public ids (publicid.go), as 22 characters of base64url in quotes. The first byte (0xE7)
// is no kind of public id, so an ETag never opens as an id, nor an id as an ETag. If-Match is
// read back to the version it names; the service still compares that version with the record's
// (412 with the current ETag when someone changed it meanwhile).

const etagMarker = 0xE7

// etagPattern is the form of an ETag (OpenAPI pattern), without and with W/.
const (
	etagPattern    = `^"[A-Za-z0-9_-]{22}"$`
	ifMatchPattern = `^(W/)?"[A-Za-z0-9_-]{22}"$`
)

// etag is the ETag of version of row id of kind k.
func (s *Server) etag(k idKind, id int64, version int) string {
	var plain, out [16]byte
	plain[0], plain[1] = etagMarker, byte(k)
	binary.BigEndian.PutUint32(plain[4:], uint32(version))
	binary.BigEndian.PutUint64(plain[8:], uint64(id))
	s.ids.block.Encrypt(out[:], plain[:])
	return `"` + base64.RawURLEncoding.EncodeToString(out[:]) + `"`
}

// etagVersion reads the version from an ETag of row id of kind k; false when it is no ETag of
// that record.
func (s *Server) etagVersion(k idKind, id int64, tag string) (int, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(tag[1 : len(tag)-1])
	if err != nil || len(raw) != 16 {
		return 0, false
	}
	var plain [16]byte
	s.ids.block.Decrypt(plain[:], raw)
	if plain[0] != etagMarker || plain[1] != byte(k) || plain[2] != 0 || plain[3] != 0 || int64(binary.BigEndian.Uint64(plain[8:])) != id {
		return 0, false
	}
	v := int(binary.BigEndian.Uint32(plain[4:]))
	return v, v > 0
}

// ifMatch reads the version the client read from If-Match for row id of kind k (what names
// the record in the messages: "casus", "afspraak", "verslag"): 428 without If-Match, 412 when
// it is no ETag of this record.
func (s *Server) ifMatch(r *http.Request, k idKind, id int64, what string) (int, error) {
	match := strings.TrimSpace(r.Header.Get("If-Match"))
	if match == "" {
		return 0, &Error{Status: http.StatusPreconditionRequired, Title: "If-Match ontbreekt", Detail: "Stuur de ETag die u las mee in If-Match, zodat een tussentijdse wijziging niet wordt overschreven."}
	}
	v, ok := s.etagVersion(k, id, match)
	if !ok {
		return 0, &Error{Status: http.StatusPreconditionFailed, Title: "Onbekende versie", Detail: "If-Match is geen ETag van deze " + what + "."}
	}
	return v, nil
}
