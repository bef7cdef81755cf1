package absence

import (
	"errors"
	"fmt"
	"strings"
)

// The leerplicht dossier: the leerplichtambtenaar's file on one child. It exists only on a
// ground of its own (DOMAIN.md, last section: the melding gate is narrow):
//
//   - relative absence of an enrolled pupil: only after a DUO melding (Leerplichtwet 1969 art. 16
//     and 21a; convenant rule leerplicht-dossier-persoon, purpose handhaving-leerplicht);
//   - absoluut verzuim, a child of compulsory age enrolled nowhere: no melding can exist (art. 16
//     and 22; convenant rule leerplicht-absoluut-verzuim, purpose absoluut-verzuim).
//
// Vrijstellingen and leave have their own requests (exemption_request.go). A dossier holds steps:
// objective notes with source and date, invitations to a talk and the talk held, warnings, a HALT
// referral and a proces-verbaal, agreements with a due date. Deadlines: the first contact is due
// within DossierRules.FirstContactDays school days of the opening (a regional choice).

// DossierGround is why a dossier may exist.
type DossierGround string

const (
	// GroundRelative: relative absence of an enrolled pupil, after a DUO melding.
	GroundRelative DossierGround = "relatief-verzuim"
	// GroundAbsolute: absoluut verzuim, the child is enrolled nowhere.
	GroundAbsolute DossierGround = "absoluut-verzuim"
)

// DossierGrounds lists the grounds.
func DossierGrounds() []DossierGround { return []DossierGround{GroundRelative, GroundAbsolute} }

// Purpose is the convenant purpose the dossier is worked under.
func (g DossierGround) Purpose() string {
	switch g {
	case GroundRelative:
		return "handhaving-leerplicht"
	case GroundAbsolute:
		return "absoluut-verzuim"
	}
	return ""
}

// Article is the statutory ground of the dossier.
func (g DossierGround) Article() string {
	switch g {
	case GroundRelative:
		return "Leerplichtwet 1969 art. 16 (toezicht) en art. 21a (verzuimmelding)"
	case GroundAbsolute:
		return "Leerplichtwet 1969 art. 16 en 22 (administratie en onderzoek bij absoluut verzuim)"
	}
	return ""
}

// Label is the ground as a user reads it.
func (g DossierGround) Label() string {
	switch g {
	case GroundRelative:
		return "relatief verzuim (na DUO-melding)"
	case GroundAbsolute:
		return "absoluut verzuim (niet ingeschreven)"
	}
	return string(g)
}

// StepKind is the kind of a step in a dossier.
type StepKind string

const (
	StepNote       StepKind = "notitie"         // an objective note: what happened, from which source
	StepInvitation StepKind = "uitnodiging"     // invitation to a talk (letter), Due = the day of the talk
	StepTalk       StepKind = "gesprek"         // the talk held
	StepWarning    StepKind = "waarschuwing"    // a written warning (letter)
	StepHalt       StepKind = "halt-verwijzing" // referral to HALT
	StepPV         StepKind = "proces-verbaal"  // an official report to the public prosecutor
	StepAgreement  StepKind = "afspraak"        // an agreement with a due date
)

// StepKinds lists every step kind in the order a dossier usually runs.
func StepKinds() []StepKind {
	return []StepKind{StepNote, StepInvitation, StepTalk, StepAgreement, StepWarning, StepHalt, StepPV}
}

// Article is the legal basis of the step.
func (k StepKind) Article() string {
	switch k {
	case StepNote, StepInvitation, StepTalk, StepAgreement:
		return "Leerplichtwet 1969 art. 16 (toezicht op de naleving)"
	case StepWarning:
		return "Leerplichtwet 1969 art. 16; Ambtsinstructie leerplichtambtenaren (waarschuwing vóór proces-verbaal)"
	case StepHalt:
		return "Wetboek van Strafrecht art. 77e (HALT-afdoening) jo. Leerplichtwet 1969 art. 26 (check)"
	case StepPV:
		return "Leerplichtwet 1969 art. 16a (opsporing) en art. 26 (strafbaar feit)"
	}
	return ""
}

// Label is the kind as a user reads it.
func (k StepKind) Label() string {
	switch k {
	case StepNote:
		return "notitie"
	case StepInvitation:
		return "uitnodiging voor een gesprek"
	case StepTalk:
		return "gesprek gevoerd"
	case StepWarning:
		return "waarschuwing"
	case StepHalt:
		return "HALT-verwijzing"
	case StepPV:
		return "proces-verbaal"
	case StepAgreement:
		return "afspraak"
	}
	return string(k)
}

// HasLetter says whether the step is sent as a letter (PDF).
func (k StepKind) HasLetter() bool { return k == StepInvitation || k == StepWarning }

// Contact says whether the step counts as contact with the child or parents (the first-contact
// deadline is met by it).
func (k StepKind) Contact() bool { return k == StepInvitation || k == StepTalk }

// ErrDossier is returned for an invalid dossier or step.
var ErrDossier = errors.New("ongeldige dossierstap")

// Step is one entry of a dossier. Build it with NewStep.
type Step struct {
	Kind   StepKind
	On     Date   // the day it happened (or the letter's date)
	Source string // where the information comes from (a note: "gesprek met moeder", "school")
	Text   string // the objective text; sealed with the pupil's content key when stored
	Due    Date   // invitation: the day of the talk; agreement: its due date; 0 otherwise
	By     string // who recorded it (name, function)
}

// NewStep checks a step on the day today (a step cannot lie in the future; a due date not before
// its step).
func NewStep(s Step, today Date) (Step, error) {
	s.Source, s.Text, s.By = strings.TrimSpace(s.Source), strings.TrimSpace(s.Text), strings.TrimSpace(s.By)
	if s.Kind.Article() == "" {
		return Step{}, fmt.Errorf("%w: kies een soort stap", ErrDossier)
	}
	var miss []string
	if s.On < MinDate || s.On > MaxDate {
		miss = append(miss, "datum")
	}
	if s.Kind == StepNote && s.Source == "" {
		miss = append(miss, "bron van de notitie")
	}
	if s.Text == "" && s.Kind != StepInvitation {
		miss = append(miss, "tekst")
	}
	if (s.Kind == StepInvitation || s.Kind == StepAgreement) && s.Due == 0 {
		if s.Kind == StepInvitation {
			miss = append(miss, "datum van het gesprek")
		} else {
			miss = append(miss, "uiterste datum van de afspraak")
		}
	}
	if s.By == "" {
		miss = append(miss, "vastgelegd door")
	}
	if len(miss) > 0 {
		return Step{}, fmt.Errorf("%w: ontbreekt: %s", ErrDossier, strings.Join(miss, ", "))
	}
	if s.On > today {
		return Step{}, fmt.Errorf("%w: de datum %s ligt in de toekomst", ErrDossier, s.On.Dutch())
	}
	if s.Due != 0 && (s.Due < s.On || s.Due > MaxDate) {
		return Step{}, fmt.Errorf("%w: de datum van gesprek of afspraak ligt voor de datum van de stap", ErrDossier)
	}
	if len(s.Text) > 8000 {
		return Step{}, fmt.Errorf("%w: de tekst is langer dan 8000 tekens", ErrDossier)
	}
	return s, nil
}

// DossierRules are the region's switches for dossiers.
type DossierRules struct {
	// FirstContactDays: the leerplichtambtenaar makes contact (an invitation or a talk) within
	// this many school days of opening the dossier. Regional practice (Ingrado's werkwijze names
	// about a week); configurable, 0 = no deadline.
	FirstContactDays int
}

// DefaultDossierRules: first contact within 5 school days.
func DefaultDossierRules() DossierRules { return DossierRules{FirstContactDays: 5} }

// FirstContactDue is the last day of the first-contact term of a dossier opened on opened: the
// FirstContactDays-th school day after it. 0 when the rules set no term.
func (r DossierRules) FirstContactDue(cal *Calendar, opened Date) Date {
	if r.FirstContactDays <= 0 || cal == nil {
		return 0
	}
	d := opened
	for n := 0; n < r.FirstContactDays; n++ {
		d = cal.NextSchoolDay(d + 1)
		if d > MaxDate {
			return MaxDate
		}
	}
	return d
}

// Deadline is one open term of a dossier.
type Deadline struct {
	What string
	Due  Date
}

// Deadlines returns the open terms of a dossier opened on opened with these steps, on today:
// the first contact (until an invitation or talk is recorded), each invitation's talk (until a
// talk on or after the invitation is recorded) and each agreement (an agreement is closed by a
// later note or talk; the leerplichtambtenaar checks it). Sorted by due date.
func (r DossierRules) Deadlines(cal *Calendar, opened Date, steps []Step) []Deadline {
	var out []Deadline
	contact := false
	var lastTalk Date
	for _, s := range steps {
		contact = contact || s.Kind.Contact()
		if s.Kind == StepTalk && s.On > lastTalk {
			lastTalk = s.On
		}
	}
	if !contact {
		if due := r.FirstContactDue(cal, opened); due != 0 {
			out = append(out, Deadline{What: "eerste contact", Due: due})
		}
	}
	for _, s := range steps {
		switch {
		case s.Kind == StepInvitation && lastTalk < s.On:
			out = append(out, Deadline{What: "gesprek (uitnodiging van " + s.On.Dutch() + ")", Due: s.Due})
		case s.Kind == StepAgreement && lastTalk < s.On:
			out = append(out, Deadline{What: "afspraak van " + s.On.Dutch(), Due: s.Due})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Due < out[j-1].Due; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Overdue says whether any deadline lies before today.
func Overdue(ds []Deadline, today Date) bool {
	for _, d := range ds {
		if d.Due < today {
			return true
		}
	}
	return false
}
