package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
)

// LeafVersion is the version of the canonical leaf encoding ("v" in the leaf).
const LeafVersion = 1

// leafJSON is the canonical leaf. Its fields are declared in the lexicographic order of their
// JSON keys, optional fields are omitted when empty, integers are plain decimal and strings
// contain no characters that need escaping beyond " and \ (validate guarantees it), so the
// encoding equals RFC 8785 (JSON Canonicalization Scheme) of the same object.
type leafJSON struct {
	Actie                 string       `json:"actie"`
	APIClient             int64        `json:"api_client,omitempty"`
	Artikel               string       `json:"artikel,omitempty"`
	Betrokkene            []byte       `json:"betrokkene,omitempty"`
	Categorieen           []string     `json:"categorieen,omitempty"`
	ConvenantVersie       string       `json:"convenant_versie,omitempty"`
	Doel                  string       `json:"doel,omitempty"`
	Eind                  int64        `json:"eind"`
	Fout                  string       `json:"fout,omitempty"`
	Gebruiker             int64        `json:"gebruiker,omitempty"`
	Grondslag             string       `json:"grondslag,omitempty"`
	Index                 uint64       `json:"index"`
	Leerling              string       `json:"leerling,omitempty"`
	LeerlingZelf          bool         `json:"leerling_zelf,omitempty"`
	Melding               string       `json:"melding,omitempty"`
	Naam                  string       `json:"naam"`
	Namens                int64        `json:"namens,omitempty"`
	Noodtoegang           bool         `json:"noodtoegang,omitempty"`
	Operatie              string       `json:"operatie"`
	Organisatie           int64        `json:"organisatie,omitempty"`
	Ouder                 int64        `json:"ouder,omitempty"`
	OuderOperatie         string       `json:"ouder_operatie,omitempty"`
	Reden                 string       `json:"reden,omitempty"`
	Regio                 int64        `json:"regio"`
	Rol                   string       `json:"rol"`
	Start                 int64        `json:"start"`
	Tijd                  int64        `json:"tijd"`
	Toegangspunt          string       `json:"toegangspunt"`
	Toestemming           int64        `json:"toestemming,omitempty"`
	Trace                 string       `json:"trace"`
	Uitkomst              string       `json:"uitkomst"`
	V                     int          `json:"v"`
	Verwerkingsactiviteit string       `json:"verwerkingsactiviteit,omitempty"`
	Verzoek               string       `json:"verzoek"`
	VreemdeOperatie       *foreignJSON `json:"vreemde_operatie,omitempty"`
}

type foreignJSON struct {
	Entiteit string `json:"entiteit"`
	Operatie string `json:"operatie"`
	Trace    string `json:"trace"`
}

// EncodeLeaf returns the canonical leaf bytes of e as entry number index of the region's log.
// The region and index are part of the leaf, so an entry moved to another place or another
// region's log no longer matches its hash.
func EncodeLeaf(regionID int64, index uint64, e Entry) ([]byte, error) {
	if e.IsZero() {
		return nil, fmt.Errorf("%w: lege regel", ErrInvalidEntry)
	}
	if regionID <= 0 {
		return nil, fmt.Errorf("%w: regio ontbreekt", ErrInvalidEntry)
	}
	r := e.r
	l := leafJSON{
		Actie:                 string(r.Action),
		APIClient:             r.Actor.ClientID,
		Artikel:               r.Article,
		Betrokkene:            e.subject,
		Categorieen:           r.Categories,
		ConvenantVersie:       r.ConvenantVersion,
		Doel:                  r.Purpose,
		Eind:                  r.End.UnixMilli(),
		Fout:                  r.Failure,
		Gebruiker:             r.Actor.UserID,
		Grondslag:             r.LegalGround,
		Index:                 index,
		Leerling:              r.Pupil,
		LeerlingZelf:          r.Actor.Self,
		Melding:               r.Melding,
		Naam:                  r.Name,
		Namens:                r.OnBehalfOf,
		Noodtoegang:           r.Emergency,
		Operatie:              r.OperationID.String(),
		Organisatie:           r.Actor.OrganisationID,
		Ouder:                 r.Actor.ParentID,
		Reden:                 r.Reason,
		Regio:                 regionID,
		Rol:                   r.Actor.Role,
		Start:                 r.Start.UnixMilli(),
		Tijd:                  r.Time.UnixMilli(),
		Toegangspunt:          string(r.AccessPoint),
		Toestemming:           r.ConsentID,
		Trace:                 r.TraceID.String(),
		Uitkomst:              string(r.Outcome),
		V:                     LeafVersion,
		Verwerkingsactiviteit: r.ProcessingActivity,
		Verzoek:               r.RequestID,
	}
	if !r.ParentOperationID.IsZero() {
		l.OuderOperatie = r.ParentOperationID.String()
	}
	if f := r.Foreign; f != nil {
		l.VreemdeOperatie = &foreignJSON{Entiteit: f.Entity, Operatie: f.OperationID.String(), Trace: f.TraceID.String()}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Leaf is a decoded leaf: the entry and its place in the log.
type Leaf struct {
	RegionID int64
	Index    uint64
	Entry    Entry
}

// DecodeLeaf parses leaf bytes, checks the entry as NewEntry does, and checks that the bytes are
// canonical (re-encoding gives the same bytes).
func DecodeLeaf(b []byte) (Leaf, error) {
	var l leafJSON
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&l); err != nil {
		return Leaf{}, fmt.Errorf("%w: %v", ErrInvalidEntry, err)
	}
	if l.V != LeafVersion {
		return Leaf{}, fmt.Errorf("%w: onbekende versie %d", ErrInvalidEntry, l.V)
	}
	r := Record{
		Time:               time.UnixMilli(l.Tijd).UTC(),
		Actor:              Actor{UserID: l.Gebruiker, ParentID: l.Ouder, ClientID: l.APIClient, Self: l.LeerlingZelf, OrganisationID: l.Organisatie, Role: l.Rol},
		OnBehalfOf:         l.Namens,
		Pupil:              l.Leerling,
		Categories:         l.Categorieen,
		Action:             Action(l.Actie),
		Purpose:            l.Doel,
		LegalGround:        l.Grondslag,
		Article:            l.Artikel,
		ConvenantVersion:   l.ConvenantVersie,
		ConsentID:          l.Toestemming,
		Melding:            l.Melding,
		Emergency:          l.Noodtoegang,
		Outcome:            Outcome(l.Uitkomst),
		Reason:             l.Reden,
		Failure:            l.Fout,
		AccessPoint:        AccessPoint(l.Toegangspunt),
		RequestID:          l.Verzoek,
		Name:               l.Naam,
		Start:              time.UnixMilli(l.Start).UTC(),
		End:                time.UnixMilli(l.Eind).UTC(),
		ProcessingActivity: l.Verwerkingsactiviteit,
	}
	var err error
	if r.TraceID, err = ParseTraceID(l.Trace); err != nil {
		return Leaf{}, fmt.Errorf("%w: %v", ErrInvalidEntry, err)
	}
	if r.OperationID, err = ParseOperationID(l.Operatie); err != nil {
		return Leaf{}, fmt.Errorf("%w: %v", ErrInvalidEntry, err)
	}
	if l.OuderOperatie != "" {
		if r.ParentOperationID, err = ParseOperationID(l.OuderOperatie); err != nil {
			return Leaf{}, fmt.Errorf("%w: ouder_operatie: %v", ErrInvalidEntry, err)
		}
	}
	if f := l.VreemdeOperatie; f != nil {
		fo := &ForeignOperation{Entity: f.Entiteit}
		if fo.TraceID, err = ParseTraceID(f.Trace); err != nil {
			return Leaf{}, fmt.Errorf("%w: vreemde_operatie: %v", ErrInvalidEntry, err)
		}
		if fo.OperationID, err = ParseOperationID(f.Operatie); err != nil {
			return Leaf{}, fmt.Errorf("%w: vreemde_operatie: %v", ErrInvalidEntry, err)
		}
		r.Foreign = fo
	}
	if err := validate(r); err != nil {
		return Leaf{}, err
	}
	if (r.Pupil == "") != (len(l.Betrokkene) == 0) {
		return Leaf{}, fmt.Errorf("%w: betrokkene en leerling horen samen", ErrInvalidEntry)
	}
	e := Entry{r: normalise(r), subject: l.Betrokkene}
	again, err := EncodeLeaf(l.Regio, l.Index, e)
	if err != nil {
		return Leaf{}, err
	}
	if !bytes.Equal(again, b) {
		return Leaf{}, fmt.Errorf("%w: blad is niet canoniek gecodeerd", ErrInvalidEntry)
	}
	return Leaf{RegionID: l.Regio, Index: l.Index, Entry: e}, nil
}

// LeafHash is the RFC 6962 leaf hash: SHA-256(0x00 || leaf).
func LeafHash(leaf []byte) []byte { return rfc6962.DefaultHasher.HashLeaf(leaf) }

// LeafKey is what the store indexes of a leaf: region, index, time and pupil.
type LeafKey struct {
	RegionID int64
	Index    uint64
	Time     int64 // unix milliseconds
	Pupil    string
}

// ParseLeafKey reads only the indexed fields of a canonical leaf (see scanLeafKey); it is the
// fast path of verification, DecodeLeaf the full check.
func ParseLeafKey(b []byte) (LeafKey, error) {
	k, err := scanLeafKey(b)
	if err != nil {
		return LeafKey{}, fmt.Errorf("%w: %v", ErrInvalidEntry, err)
	}
	return k, nil
}
