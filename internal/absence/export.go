package absence

import (
	"fmt"
	"strings"
	"time"
)

// DocumentFormat names the in-memory version of a melding with its number.
const DocumentFormat = "grondslag-verzuimmelding/1"

// Document is a melding on its way to DUO: the school's content of the Besluit Verzuimmelding
// plus the pupil's persoonsgebonden nummer, which the caller decrypts for the submission only (it
// is never stored beside the melding). It has no serialisation of its own: the only file that
// holds the number is the DUO port's export (internal/duo, grondslag-duo-verzuimmelding/2), so
// the BSN leaves Grondslag only through the port, with its audit entry.
type Document struct {
	Format        string         `json:"formaat"`
	NumberKind    string         `json:"soort_nummer"` // bsn or onderwijsnummer
	PersonNumber  string         `json:"persoonsgebonden_nummer"`
	Statutory     bool           `json:"wettelijke_melding"` // art. 21a, otherwise overig verzuim
	Content       MeldingContent `json:"melding"`
	Status        Status         `json:"status"`
	StatusAt      time.Time      `json:"status_sinds"`
	Created       time.Time      `json:"aangemaakt_op"`
	ClosingReason ClosingReason  `json:"reden_afsluiting,omitempty"`
	ClosingNote   ClosingNote    `json:"afsluitnotitie,omitempty"`
	Contact       string         `json:"contactpersoon_gemeente,omitempty"`
	DUONumber     string         `json:"duo_meldingnummer,omitempty"`
}

// NewDocument builds the file of a melding. numberKind is "bsn" or "onderwijsnummer".
func NewDocument(m *Melding, numberKind, personNumber string) (Document, error) {
	if numberKind != "bsn" && numberKind != "onderwijsnummer" {
		return Document{}, fmt.Errorf("%w: soort nummer moet bsn of onderwijsnummer zijn", ErrMelding)
	}
	if strings.TrimSpace(personNumber) == "" {
		return Document{}, fmt.Errorf("%w: persoonsgebonden nummer ontbreekt", ErrMelding)
	}
	return Document{
		Format: DocumentFormat, NumberKind: numberKind, PersonNumber: personNumber,
		Statutory: m.content.Type.Statutory(), Content: m.content, Status: m.status,
		StatusAt: m.statusAt.UTC(), Created: m.created.UTC(), ClosingReason: m.closingReason,
		ClosingNote: m.closingNote, Contact: m.contact, DUONumber: m.duoNumber,
	}, nil
}
