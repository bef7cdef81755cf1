package convenant

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ParsePeriod parses a retention period written as years (j), months (m) and days (d), for
// example "5j", "18m", "2j6m", "30d". The parts must appear in that order.
func ParsePeriod(s string) (Period, error) {
	var p Period
	rest := strings.TrimSpace(s)
	if rest == "" {
		return p, errors.New("leeg")
	}
	order := "jmd"
	last := -1
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 4 {
			return Period{}, errors.New("verwacht een getal gevolgd door j, m of d")
		}
		n, _ := strconv.Atoi(rest[:i])
		u := strings.IndexByte(order, rest[i])
		if u < 0 {
			return Period{}, errors.New("eenheid moet j (jaar), m (maand) of d (dag) zijn")
		}
		if u <= last {
			return Period{}, errors.New("schrijf jaren, maanden en dagen elk hooguit één keer en in die volgorde")
		}
		last = u
		switch u {
		case 0:
			p.Years = n
		case 1:
			p.Months = n
		case 2:
			p.Days = n
		}
		rest = rest[i+1:]
	}
	if p == (Period{}) {
		return Period{}, errors.New("de termijn mag niet nul zijn")
	}
	return p, nil
}

// parseDuration accepts Go durations and the Dutch "u" for hours ("8u", "1u30m", "30m").
func parseDuration(s string) (time.Duration, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "u", "h")
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, errors.New("verwacht bijvoorbeeld 30m, 8u of 1u30m")
	}
	if d <= 0 {
		return 0, errors.New("de duur moet groter dan nul zijn")
	}
	return d, nil
}

func (x *dec) duration(o *obj, key string) time.Duration {
	n, ok := o.scalar(key, true)
	if !ok {
		return 0
	}
	d, err := parseDuration(n.str)
	if err != nil {
		x.d.errf(n.pos, "schrijf de duur als bijvoorbeeld 30m (minuten) of 8u (uren).", "duur %q is ongeldig: %v.", n.str, err)
	}
	return d
}
