package monitor

import (
	"fmt"
	"sort"
)

// SchoolAbsence is what one school registered in a period, for the reliability check
// (Amsterdam building block 1: reliable registration, with a yearly audit).
type SchoolAbsence struct {
	School    string // the school's name (schools are not data subjects)
	Type      SchoolType
	Pupils    int     // enrolled pupils in the period
	Hours     float64 // registered absence hours in the period (all reasons)
	Unexcused float64 // of which unauthorised
}

// Flag is a school whose registration looks implausibly low, with the figures that say why.
type Flag struct {
	School       string  `json:"school"`
	Type         string  `json:"schooltype"`
	Rate         float64 `json:"urenPerLeerling"`
	GroupMedian  float64 `json:"mediaanVergelijkbareScholen"`
	GroupSchools int     `json:"aantalVergelijkbareScholen"`
	Reason       string  `json:"reden"`
}

// ReliabilityMethod explains the check in words; every report prints it.
const ReliabilityMethod = "Per school delen we de geregistreerde verzuimuren (alle redenen) door het aantal " +
	"ingeschreven leerlingen. Scholen van hetzelfde type (PO, VO, SO, VSO, MBO) vormen een groep; een groep " +
	"van minder dan 3 scholen vergelijken we niet. Een school valt op als zij minder dan een derde van de " +
	"mediaan van haar groep registreert, of niets registreert terwijl de groep dat wel doet. Opvallen is geen " +
	"oordeel: het is een reden om de registratie bij de jaarlijkse audit als eerste te bekijken (bouwsteen 1, " +
	"betrouwbare registratie)."

// Reliability returns the schools whose registered absence is implausibly low against similar
// schools, with the method in ReliabilityMethod. Schools without pupils are skipped.
func Reliability(schools []SchoolAbsence) []Flag {
	groups := map[SchoolType][]SchoolAbsence{}
	for _, s := range schools {
		if s.Pupils > 0 {
			groups[s.Type] = append(groups[s.Type], s)
		}
	}
	var out []Flag
	for typ, g := range groups {
		if len(g) < 3 {
			continue
		}
		rates := make([]float64, len(g))
		for i, s := range g {
			rates[i] = s.Hours / float64(s.Pupils)
		}
		sorted := append([]float64(nil), rates...)
		sort.Float64s(sorted)
		med := sorted[len(sorted)/2]
		if len(sorted)%2 == 0 {
			med = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
		}
		for i, s := range g {
			var reason string
			switch {
			case rates[i] == 0 && med > 0:
				reason = "registreert geen verzuim, vergelijkbare scholen wel"
			case rates[i] < med/3:
				reason = fmt.Sprintf("registreert minder dan een derde van de mediaan van %d vergelijkbare scholen", len(g))
			default:
				continue
			}
			out = append(out, Flag{School: s.School, Type: typ.String(), Rate: rates[i], GroupMedian: med, GroupSchools: len(g), Reason: reason})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].School < out[j].School
	})
	return out
}
