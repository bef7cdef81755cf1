package region

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxClassLen is the longest class name accepted, in characters.
const MaxClassLen = 30

// NewClass validates a class (klas, group) name: "7B", "2 havo a", "groep 5/6". Spaces are
// collapsed; an empty name or one with control characters or over MaxClassLen characters is
// refused with a Dutch message naming the field "klas".
func NewClass(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", fieldErr("klas", "is leeg")
	}
	if utf8.RuneCountInString(s) > MaxClassLen {
		return "", fieldErr("klas", "%q is langer dan %d tekens", s, MaxClassLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == ';' || r == ',' {
			return "", fieldErr("klas", "%q bevat een teken dat niet in een klasnaam mag (geen ; of ,)", s)
		}
	}
	return s, nil
}

// ParseClasses reads a list of classes separated by ";" (the column "klassen" of a users file,
// the mentor's groups). Doubles are dropped; order is kept.
func ParseClasses(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		c, err := NewClass(part)
		if err != nil {
			return nil, err
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}
