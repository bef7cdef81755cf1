package audit

import (
	"strconv"
	"testing"
)

// scanInt accepts exactly the canonical integers strconv.ParseInt accepts (no leading zeros, no
// plus sign), with the same value.
func TestScanIntAgreesWithParseInt(t *testing.T) {
	cases := []string{"0", "-0", "7", "-7", "10", "007", "-01", "+1", "", "-", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "99999999999999999999", "18446744073709551616", "12a", "1765000000000"}
	for _, c := range cases {
		n, end, err := scanInt([]byte(c+","), 0)
		want, werr := strconv.ParseInt(c, 10, 64)
		canonical := werr == nil && c != "" && c[0] != '+' && !(len(c) > 1 && c[0] == '0') && !(len(c) > 2 && c[:2] == "-0")
		if c == "12a" {
			canonical, want = true, 12 // the scan stops at the first non-digit
		}
		if (err == nil) != canonical || err == nil && (n != want || end == 0) {
			t.Errorf("%q: scanInt = %d, %v; ParseInt = %d, %v", c, n, err, want, werr)
		}
	}
}
