package casework

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Config holds the region's escalation settings.
type Config struct {
	// StallWeeks: a case in which no agreement made progress for this many weeks is stalled.
	// Regional choice (the Amsterdam pilot asks for "tijdige verwijzing naar doorbraakoverleg"
	// without a number); default 6 weeks, about one school period.
	StallWeeks int
	// ThuiszitterLimit: a thuiszitter at home longer than this escalates. Thuiszitterspact
	// (2016): no child at home longer than 3 months without a suitable offer of education
	// and/or care. Default 3 months.
	ThuiszitterLimit convenant.Period
}

// DefaultConfig is the default escalation setting.
func DefaultConfig() Config {
	return Config{StallWeeks: 6, ThuiszitterLimit: convenant.Period{Months: 3}}
}

// Validate checks the settings.
func (c Config) Validate() error {
	if c.StallWeeks < 1 || c.StallWeeks > 52 {
		return fieldErr("stagnatie_weken", "moet tussen 1 en 52 liggen, niet %d", c.StallWeeks)
	}
	if c.ThuiszitterLimit == (convenant.Period{}) {
		return fieldErr("thuiszitter_termijn", "is verplicht (het Thuiszitterspact noemt 3 maanden)")
	}
	return nil
}

// Escalation reasons.
const (
	ReasonStalled     = "stagnatie"           // no progress on agreements
	ReasonThuiszitter = "thuiszitter-termijn" // at home longer than the limit
	ReasonManual      = "handmatig"
)

// Trigger is a reason to escalate, found by Triggers.
type Trigger struct {
	Reason string
	Detail string // Dutch
	Since  time.Time
}

// Triggers says why an open, not yet escalated case should go to the doorbraakoverleg on day
// now: its agreements made no progress for cfg.StallWeeks (counted from the newest progress,
// or from the start of the plan phase when there are agreements but none moved), or the pupil
// has been at home (thuiszitterSince, zero if not a thuiszitter — internal/absence knows) longer
// than cfg.ThuiszitterLimit.
func Triggers(c *Case, plan Plan, thuiszitterSince, now time.Time, cfg Config) []Trigger {
	if c.Closed() || c.Escalation != nil {
		return nil
	}
	var out []Trigger
	if open := plan.Open(); len(open) > 0 {
		var last time.Time
		for _, a := range plan {
			if a.ProgressAt.After(last) {
				last = a.ProgressAt
			}
		}
		limit := last.AddDate(0, 0, 7*cfg.StallWeeks)
		if !now.Before(limit) {
			out = append(out, Trigger{Reason: ReasonStalled, Since: last,
				Detail: fmt.Sprintf("geen voortgang op de %d open afspraken sinds %s (meer dan %d weken)", len(open), last.Format("2-1-2006"), cfg.StallWeeks)})
		}
	}
	if !thuiszitterSince.IsZero() {
		limit := cfg.ThuiszitterLimit.AddTo(thuiszitterSince)
		if !now.Before(limit) {
			out = append(out, Trigger{Reason: ReasonThuiszitter, Since: thuiszitterSince,
				Detail: fmt.Sprintf("thuiszitter sinds %s, langer dan %s (Thuiszitterspact)", thuiszitterSince.Format("2-1-2006"), cfg.ThuiszitterLimit.Dutch())})
		}
	}
	return out
}

// Doorzettingsmacht is who may take the decision that breaks the deadlock (often the director
// of the SWV or a mandated official of the gemeente), recorded by name and function.
type Doorzettingsmacht struct {
	Name           string
	Function       string
	OrganisationID int64
}

// Escalation is the case's doorbraakoverleg.
type Escalation struct {
	Reason     string
	Detail     string
	At         time.Time
	By         int64
	Consultant int64 // user id of the onderwijsconsulent brought in
	Holder     Doorzettingsmacht
	Decision   string
	DecidedAt  time.Time
	DecidedBy  int64
}

// EscalateInput is what escalating takes.
type EscalateInput struct {
	Reason     string
	Detail     string
	Consultant ProfessionalInput // the onderwijsconsulent (party swv)
	Holder     Doorzettingsmacht
}

// Escalate turns the case into a doorbraakoverleg: it records why, brings in the
// onderwijsconsulent (who takes part from now on), records who holds doorzettingsmacht, and
// returns the case to the overleg phase for the doorbraakoverleg meeting. Whoever holds regie,
// or a consultant of the SWV, escalates.
func (c *Case) Escalate(k *convenant.Compiled, in EscalateInput, by Actor, now time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	if c.Escalation != nil {
		return fieldErr("escalatie", "de casus is al opgeschaald naar het doorbraakoverleg")
	}
	if !c.HoldsRegie(by) && !(by.Professional() && by.Party == PartySWV) {
		return denied("alleen wie regie heeft of het samenwerkingsverband schaalt op naar het doorbraakoverleg")
	}
	if !slices.Contains([]string{ReasonStalled, ReasonThuiszitter, ReasonManual}, in.Reason) {
		return fieldErr("reden", "kies stagnatie, thuiszitter-termijn of handmatig")
	}
	in.Detail = strings.TrimSpace(in.Detail)
	if in.Detail == "" {
		return fieldErr("toelichting", "schrijf kort op waarom de casus vastloopt")
	}
	if _, ok := k.CaseType(TypeDoorbraak); !ok {
		return fieldErr("soort", "het convenant kent geen doorbraakoverleg")
	}
	in.Holder.Name, in.Holder.Function = strings.TrimSpace(in.Holder.Name), strings.TrimSpace(in.Holder.Function)
	if in.Holder.Name == "" || in.Holder.Function == "" {
		return fieldErr("doorzettingsmacht", "leg vast wie doorzettingsmacht heeft (naam en functie)")
	}
	if in.Consultant.Role != RoleOnderwijsconsulent {
		return fieldErr("onderwijsconsulent", "het doorbraakoverleg betrekt een onderwijsconsulent")
	}
	prevType := c.Type
	c.PreviousType, c.Type = prevType, TypeDoorbraak
	if _, already := c.Participant(Ref("gebruiker:" + itoa(in.Consultant.UserID))); !already {
		p := Participant{
			Kind: KindProfessional, UserID: in.Consultant.UserID, OrganisationID: in.Consultant.OrganisationID,
			Party: in.Consultant.Party, Role: in.Consultant.Role, Name: strings.TrimSpace(in.Consultant.Name),
			Contact: strings.TrimSpace(in.Consultant.Contact), Purpose: defaultPurpose(k, in.Consultant.Party, in.Consultant.Role, c.Purpose),
			Status: StatusAdded, InvitedAt: now, RespondedAt: now,
		}
		if err := c.addParticipant(k, p, false); err != nil {
			c.Type, c.PreviousType = prevType, ""
			return err
		}
	}
	c.Escalation = &Escalation{Reason: in.Reason, Detail: in.Detail, At: now, By: by.UserID, Consultant: in.Consultant.UserID, Holder: in.Holder}
	if _, ok := k.Phase("overleg"); ok && c.Phase != "overleg" {
		c.setPhase("overleg", "doorbraakoverleg", by.UserID, now)
		c.Version-- // setPhase counted; one change below
	}
	c.Version++
	return nil
}

// DecideBreakthrough records the decision of the doorbraakoverleg. The onderwijsconsulent or
// whoever holds the broad regie records it, naming the holder of doorzettingsmacht who took it.
func (c *Case) DecideBreakthrough(decision string, by Actor, now time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	if c.Escalation == nil {
		return fieldErr("escalatie", "de casus is niet opgeschaald")
	}
	if !by.Professional() || (by.UserID != c.Escalation.Consultant && by.UserID != c.RegieHolder(RegieBroad)) {
		return denied("de onderwijsconsulent of wie de brede regie heeft legt het besluit vast")
	}
	decision = strings.TrimSpace(decision)
	if decision == "" {
		return fieldErr("besluit", "is verplicht")
	}
	if c.Escalation.Decision != "" {
		return fieldErr("besluit", "is al vastgelegd op %s", c.Escalation.DecidedAt.Format("2-1-2006"))
	}
	c.Escalation.Decision, c.Escalation.DecidedAt, c.Escalation.DecidedBy = decision, now, by.UserID
	c.Version++
	return nil
}
