package monitor

import (
	"fmt"

	"github.com/grondslag/grondslag/internal/civil"
)

// Kind is the situation a spell counts as.
type Kind uint8

const (
	// LongRelative is langdurig relatief verzuim: enrolled, absent without a valid reason for
	// four weeks or more, no exemption.
	LongRelative Kind = iota
	// Absolute is absoluut verzuim: of compulsory age, not enrolled at any school, not exempt.
	Absolute
	// Exempt5a is a vrijstelling under art. 5 onder a Leerplichtwet (lichamelijk of psychisch
	// niet geschikt), recorded separately on the Inspectie's form.
	Exempt5a
	// ExemptOther is any other vrijstelling (art. 5 onder b en c, art. 5a, art. 15).
	ExemptOther
	numKinds
)

var kindCodes = [numKinds]string{"langdurig-relatief-verzuim", "absoluut-verzuim", "vrijstelling-5-onder-a", "vrijstelling-overig"}
var kindNames = [numKinds]string{"Langdurig relatief verzuim", "Absoluut verzuim", "Vrijstelling art. 5 onder a", "Overige vrijstellingen"}

// Code is the Dutch machine name of the kind (CSV, JSON).
func (k Kind) Code() string { return kindCodes[k] }

// Name is the kind as a reader sees it.
func (k Kind) Name() string { return kindNames[k] }

// Kinds lists every kind in publication order.
func Kinds() []Kind { return []Kind{LongRelative, Absolute, Exempt5a, ExemptOther} }

// IsThuiszitter reports whether the kind belongs to the umbrella term thuiszitter (Kamerbrief
// 3 februari 2016): langdurig relatief plus absoluut verzuim.
func (k Kind) IsThuiszitter() bool { return k == LongRelative || k == Absolute }

// SchoolType is the kind of education the pupil was enrolled in (or none).
type SchoolType uint8

const (
	PO SchoolType = iota
	VO
	SO
	VSO
	MBO
	NoSchool
	numSchoolTypes
)

var schoolTypeNames = [numSchoolTypes]string{"PO", "VO", "SO", "VSO", "MBO", "geen school"}

// String is the school type as reports write it.
func (t SchoolType) String() string { return schoolTypeNames[t] }

// ParseSchoolType reads po, vo, so, vso, mbo (any case); "" means not enrolled.
func ParseSchoolType(s string) (SchoolType, error) {
	switch s {
	case "po", "PO":
		return PO, nil
	case "vo", "VO":
		return VO, nil
	case "so", "SO":
		return SO, nil
	case "vso", "VSO":
		return VSO, nil
	case "mbo", "MBO":
		return MBO, nil
	case "":
		return NoSchool, nil
	}
	return 0, fmt.Errorf("onbekend schooltype %q (verwacht po, vo, so, vso of mbo)", s)
}

// Spell is one pupil in one situation over a period. It holds no name and no identifier.
type Spell struct {
	Kind       Kind
	Gemeente   int // index into the region's gemeenten (Aggregate's gemeenten argument)
	SchoolType SchoolType
	Birth      civil.Date
	Start      civil.Date
	End        civil.Date // zero while it goes on; the last day otherwise
	// Offer is the first day an offer of education or care was made (Thuiszitterspact); zero
	// when none is recorded.
	Offer civil.Date
}

// AgeBand groups ages on the reference date along the duties of the law.
type AgeBand uint8

const (
	Age5to11  AgeBand = iota // leerplicht, primary-school age
	Age12to15                // leerplicht; the child consents itself to JGZ/jeugdhulp from 12
	Age16to17                // leerplicht to the end of the school year, then kwalificatieplicht
	Age18plus                // RMC (18–23 without startkwalificatie)
	numAgeBands
)

var ageBandNames = [numAgeBands]string{"5 t/m 11 jaar", "12 t/m 15 jaar", "16 en 17 jaar", "18 jaar en ouder"}

func (a AgeBand) String() string { return ageBandNames[a] }

func ageBand(age int) AgeBand {
	switch {
	case age < 12:
		return Age5to11
	case age < 16:
		return Age12to15
	case age < 18:
		return Age16to17
	}
	return Age18plus
}

// Duration groups how long a spell has run on the reference date.
type Duration uint8

const (
	UnderFourWeeks   Duration = iota // only absoluut verzuim and vrijstellingen can be this short
	FourWeeksToThree                 // 4 weeks up to and including 3 months
	OverThreeMonths                  // the Thuiszitterspact's priority
	numDurations
)

var durationNames = [numDurations]string{"korter dan 4 weken", "4 weken tot 3 maanden", "langer dan 3 maanden"}

func (d Duration) String() string { return durationNames[d] }

// OfferStatus tells, for a spell longer than 3 months, whether an offer came within 3 months.
type OfferStatus uint8

const (
	OfferNotApplicable OfferStatus = iota // the spell has not run 3 months yet, or is not a thuiszitter
	OfferWithin                           // an offer of education or care within 3 months of the start
	OfferNone                             // no offer within 3 months
	numOfferStatuses
)

var offerNames = [numOfferStatuses]string{"n.v.t.", "aanbod binnen 3 maanden", "geen aanbod binnen 3 maanden"}

func (o OfferStatus) String() string { return offerNames[o] }
