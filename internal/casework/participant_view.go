package casework

import (
	"context"
)

// HiddenParticipantName is what another party sees of a participant whose involvement may not
// be disclosed to it.
const HiddenParticipantName = "Een deelnemer"

// secretParty reports whether the mere involvement of party with a pupil is itself a
// disclosure: the convenant restricts some of its rules to buitenkant information, so even
// "we are involved" needs a ground (a jeugdhulpverlener: Jeugdwet 7.3.11; a jeugdarts: BW
// 7:457). That a child receives jeugdhulp or is seen by the jeugdarts is secret.
func (g *Guard) secretParty(party string) bool {
	for _, x := range g.k.Exchanges() {
		if g.outside[x.ID] && x.Party.Value == party {
			return true
		}
	}
	return false
}

// ParticipantShown decides whether viewer may see who participant p is (name, party, role,
// contact). Parents and the pupil see everyone at their own table; a professional sees the
// family, their own organisation and the parties whose involvement is not secret; a party
// whose involvement is secret (jeugdhulp, the jeugdarts) is shown to another organisation only
// where the policy lets it disclose its involvement to the viewer in this phase — with the
// consent of the right person, or after a Verwijsindex match (Guard.AskScope). The verdict is
// the decision relied on (zero when no exchange between parties is involved).
func (g *Guard) ParticipantShown(ctx context.Context, c *Case, viewer, p Participant, f Facts) (bool, Verdict, error) {
	switch {
	case viewer.Kind != KindProfessional, p.Kind != KindProfessional, p.key() == viewer.key():
		return true, Verdict{}, nil
	case p.OrganisationID == viewer.OrganisationID && p.Party == viewer.Party:
		return true, Verdict{}, nil
	case !g.secretParty(p.Party):
		return true, Verdict{}, nil
	}
	v, err := g.AskScope(ctx, c, viewer, p, "", f)
	if err != nil {
		return false, v, err
	}
	return v.Allowed(), v, nil
}

// shownCase returns c as viewer may see its participants: a participant viewer may not know
// about keeps its reference (regie and questions point at it) but is named HiddenParticipantName
// without party, role, organisation or contact. note is called for every disclosure of a
// participant relied on, for the audit trail. c itself is not changed.
func (g *Guard) shownCase(ctx context.Context, c *Case, viewer Participant, f Facts, note func(Verdict) error) (*Case, error) {
	out := *c
	out.Participants = make([]Participant, len(c.Participants))
	copy(out.Participants, c.Participants)
	for i, p := range out.Participants {
		ok, v, err := g.ParticipantShown(ctx, c, viewer, p, f)
		if err != nil {
			return nil, err
		}
		if ok {
			if v.Decision.Allowed && note != nil {
				if err := note(v); err != nil {
					return nil, err
				}
			}
			continue
		}
		out.Participants[i] = Participant{ID: p.ID, Kind: p.Kind, UserID: p.UserID, Name: HiddenParticipantName, Status: p.Status,
			InvitedAt: p.InvitedAt, RespondedAt: p.RespondedAt}
	}
	return &out, nil
}
