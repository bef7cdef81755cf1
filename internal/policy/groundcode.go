package policy

import "strings"

// GroundCode is the decision's legal ground as a short code for records such as the audit log:
// "avg-6-1-" and the letter of art. 6 lid 1, then "/" and the art. 9/10 exception if any
// ("avg-6-1-a/9.2.a"). It is "" when the decision names no ground (a denial).
func (d Decision) GroundCode() string {
	if d.Basis == "" {
		return ""
	}
	c := "avg-6-1-" + strings.ToLower(d.Basis)
	if d.Exception != "" {
		c += "/" + strings.ToLower(strings.ReplaceAll(d.Exception, " ", "-"))
	}
	return c
}
