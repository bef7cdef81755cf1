package web

import (
	"strconv"
	"strings"
	"time"
)

// Dutch for users (issue 15): role names, counts with the right plural, numbers with a decimal
// comma and dots between thousands, dates as "3 december 2026".

var roleNames = map[string]string{
	"zorgcoordinator":    "zorgcoördinator",
	"mentor":             "mentor",
	"directeur":          "directeur",
	"leerplicht":         "leerplichtambtenaar",
	"swv-consulent":      "consulent samenwerkingsverband",
	"onderwijsconsulent": "onderwijsconsulent",
	"jeugdarts":          "jeugdarts",
	"jeugdhulpverlener":  "jeugdhulpverlener",
	"fg":                 "functionaris gegevensbescherming",
	"beheerder":          "beheerder",
	"ouder":              "ouder",
}

// RoleName is the Dutch name of a role code ("zorgcoordinator" → "zorgcoördinator"); an unknown
// code is returned as it is.
func RoleName(code string) string {
	if n, ok := roleNames[code]; ok {
		return n
	}
	return code
}

// Count writes n with the singular or plural noun: "1 leerling", "2 leerlingen", "0 leerlingen",
// "12.345 leerlingen".
func Count(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return Thousands(n) + " " + plural
}

// Thousands writes an integer with dots between the thousands (Dutch): 12345 → "12.345".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Decimal writes a number with a decimal comma and at most one decimal: 7.5 → "7,5", 15 → "15".
func Decimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1)
}

var months = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// LongDate writes an ISO date (YYYY-MM-DD) or a time as "3 december 2026"; other text is returned
// as it is.
func LongDate(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return ""
		}
		t = x.In(amsterdam())
	case string:
		d, err := time.Parse("2006-01-02", x)
		if err != nil {
			return x
		}
		t = d
	default:
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
