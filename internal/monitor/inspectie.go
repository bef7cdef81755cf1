package monitor

// InspectieIDs are the tables of the Inspectie's quarterly thuiszitter registration in our
// reading of it: thuiszitters by kind and duration with the art. 5 onder a vrijstellingen on the
// same form, and the Thuiszitterspact's question about an offer within 3 months. Only counts
// leave the region — no pupil lines — and they are the figures of the full publication of that
// reference date, suppressed exactly as the SWV's own pages show them.
var InspectieIDs = []string{"overzicht", "aanbod-gemeente"}

// Inspectie returns the publication cut to the Inspectie's form.
func (p *Publication) Inspectie() *Publication {
	out := &Publication{Peildatum: p.Peildatum, Threshold: p.Threshold, Checked: p.Checked}
	for _, id := range InspectieIDs {
		if t := p.Table(id); t != nil {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}
