package web

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/casework"
)

// Public ids. The API never shows a row number: an id in a path or a body is the row number
// encrypted with AES-256 (one block: kind, seven zero bytes, the number) under a key derived from
// the web key, as 22 characters of base64url. Without the key an id cannot be guessed or
// enumerated (a random string is valid with chance 2^-64); the server turns it back into the
// row number before any handler runs, and an id of the wrong kind is a 404. Ids stay the same as
// long as the web key does (GRONDSLAG_WEBSLEUTEL or the web key file): rotating that key changes
// every public id.

type idKind byte

const (
	kindPupil        idKind = 'l'
	kindCase         idKind = 'c'
	kindMinutes      idKind = 'v'
	kindAgreement    idKind = 'a'
	kindContribution idKind = 'i'
	kindQuestion     idKind = 'q'
	kindConsent      idKind = 't'
	kindMelding      idKind = 'm'
	kindSignal       idKind = 's'
	kindOrganisation idKind = 'o'
	// kindExemptionRequest is a request for vrijstelling or verlof; kindExemption the exemption
	// it grants.
	kindExemptionRequest idKind = 'x'
	kindExemption        idKind = 'y'
	// kindDossier is a leerplicht dossier, kindDossierStep one of its steps.
	kindDossier     idKind = 'd'
	kindDossierStep idKind = 'p'
	// kindUser is a professional's account, kindParent a parent: in participant references.
	kindUser   idKind = 'u'
	kindParent idKind = 'g'
	// Kinds the pages use in their URLs (publicid_pages.go): a rights request, a consent request
	// to the parents, an API client and a retention list.
	kindAccessRequest idKind = 'r'
	kindConsentAsk    idKind = 'k'
	kindAPIClient     idKind = 'z'
	kindRetentionList idKind = 'b'
	// kindRegion is a region, in the sign-in links of its OpenID Connect providers.
	kindRegion idKind = 'e'
)

// publicIDPattern is the form of a public id (OpenAPI pattern).
const publicIDPattern = `^[A-Za-z0-9_-]{22}$`

type idCodec struct{ block cipher.Block }

func newIDCodec(key []byte) *idCodec {
	b, err := aes.NewCipher(key[:32])
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	return &idCodec{block: b}
}

func (c *idCodec) encode(k idKind, id int64) string {
	var plain, out [16]byte
	plain[0] = byte(k)
	binary.BigEndian.PutUint64(plain[8:], uint64(id))
	c.block.Encrypt(out[:], plain[:])
	return base64.RawURLEncoding.EncodeToString(out[:])
}

func (c *idCodec) decode(k idKind, s string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) != 16 {
		return 0, false
	}
	var plain [16]byte
	c.block.Decrypt(plain[:], raw)
	if plain[0] != byte(k) {
		return 0, false
	}
	for _, b := range plain[1:8] {
		if b != 0 {
			return 0, false
		}
	}
	id := int64(binary.BigEndian.Uint64(plain[8:]))
	return id, id > 0
}

// pid is the public id of row id of kind k (0 stays "").
func (s *Server) pid(k idKind, id int64) string {
	if id == 0 {
		return ""
	}
	return s.ids.encode(k, id)
}

// rowID turns a public id of kind k into the row number; a wrong id is a 404 (or a 400 naming
// field when field is set).
func (s *Server) rowID(k idKind, v, field string) (int64, error) {
	id, ok := s.ids.decode(k, v)
	if !ok {
		if field != "" {
			return 0, badField(field, "onbekend id")
		}
		return 0, errNotFound
	}
	return id, nil
}

var publicKinds = map[string]idKind{"leerling": kindPupil, "casus": kindCase, "verslag": kindMinutes, "afspraak": kindAgreement,
	"inbreng": kindContribution, "informatievraag": kindQuestion, "toestemming": kindConsent, "verzuimmelding": kindMelding,
	"verzuimsignaal": kindSignal, "organisatie": kindOrganisation, "vrijstellingsaanvraag": kindExemptionRequest, "vrijstelling": kindExemption,
	"leerplichtdossier": kindDossier, "dossierstap": kindDossierStep, "gebruiker": kindUser, "ouder": kindParent,
	"inzageverzoek": kindAccessRequest, "toestemmingsverzoek": kindConsentAsk, "apiclient": kindAPIClient, "bewaarlijst": kindRetentionList, "regio": kindRegion}

// PublicID is the API's id of row id of kind (leerling, casus, verslag, afspraak, inbreng,
// informatievraag, toestemming, verzuimmelding, verzuimsignaal, organisatie).
func (s *Server) PublicID(kind string, id int64) string {
	k, ok := publicKinds[kind]
	if !ok {
		panic("web: unknown id kind " + kind)
	}
	return s.pid(k, id)
}

// openPathIDs replaces the public ids in r's path by row numbers, by the route's pattern.
func (s *Server) openPathIDs(r *http.Request) error {
	for _, name := range []string{"id", "vid", "aid", "qid"} {
		v := r.PathValue(name)
		if v == "" {
			continue
		}
		var k idKind
		switch {
		case name == "vid":
			k = kindMinutes
		case name == "aid":
			k = kindAgreement
		case name == "qid":
			k = kindQuestion
		case strings.Contains(r.Pattern, "/leerlingen/"):
			k = kindPupil
		case strings.Contains(r.Pattern, "/casussen/"):
			k = kindCase
		case strings.Contains(r.Pattern, "/toestemmingen/"):
			k = kindConsent
		case strings.Contains(r.Pattern, "/verzuimmeldingen/"):
			k = kindMelding
		case strings.Contains(r.Pattern, "/vrijstellingen/"):
			k = kindExemptionRequest
		case strings.Contains(r.Pattern, "/leerplichtdossiers/"):
			k = kindDossier
		default:
			return errNotFound
		}
		id, err := s.rowID(k, v, "")
		if err != nil {
			return err
		}
		r.SetPathValue(name, strconv.FormatInt(id, 10))
	}
	return nil
}

// participantRefPattern is the form of a participant reference in the API (OpenAPI pattern):
// "gebruiker:" or "ouder:" with a public id, or "leerling".
const participantRefPattern = `^((gebruiker|ouder):[A-Za-z0-9_-]{22}|leerling)$`

// publicRef is the API's form of a participant reference: the user's or parent's row number
// replaced by its public id ("gebruiker:12" → "gebruiker:<22 chars>"), so that references cannot
// be enumerated either.
func (s *Server) publicRef(r casework.Ref) string {
	kind, num, ok := strings.Cut(string(r), ":")
	if !ok {
		return string(r) // "leerling", or ""
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return ""
	}
	switch kind {
	case "gebruiker":
		return "gebruiker:" + s.pid(kindUser, id)
	case "ouder":
		return "ouder:" + s.pid(kindParent, id)
	}
	return ""
}

// openRef turns an API participant reference back into the casework reference; anything else
// (a row number, another kind's id) is a 400 naming field.
func (s *Server) openRef(v, field string) (casework.Ref, error) {
	if v == "leerling" {
		return casework.Ref(v), nil
	}
	kind, pub, _ := strings.Cut(v, ":")
	k, ok := map[string]idKind{"gebruiker": kindUser, "ouder": kindParent}[kind]
	if !ok {
		return "", badField(field, "geen deelnemer: gebruik de verwijzing uit de deelnemers van de casus (gebruiker:…, ouder:… of leerling)")
	}
	id, ok := s.ids.decode(k, pub)
	if !ok {
		return "", badField(field, "onbekende deelnemer: gebruik de verwijzing uit de deelnemers van de casus")
	}
	return casework.Ref(kind + ":" + strconv.FormatInt(id, 10)), nil
}
