package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
)

// agreementRow is one agreement on the case page with what the viewer may do with it.
type agreementRow struct {
	casework.Shown[casework.Agreement]
	Form      string // form id prefix: afspraak-<public id>
	MayEdit   bool   // brings agreements into this phase: changes everything
	MayReport bool   // owner: reports the status
}

// questionRow is one information request with names and what the viewer may do.
type questionRow struct {
	casework.InfoRequest
	Form      string
	FromName  string
	ToName    string
	MayAnswer bool
}

// optionRow is one choice in a select.
type optionRow struct{ Value, Label string }

// stepData adds what the step forms need to the case page's data: who may do what, and the
// choices of each form. The service still decides every step; this only hides forms that would
// be refused anyway.
func (c *caseHandlers) stepData(r *http.Request, v *casework.View, names map[int64]string, d map[string]any) {
	op, region := c.op(r, audit.AccessUI)
	k, me := v.Case, v.Me
	open := !k.Closed()
	prof := op.Actor.Professional() && me.Active()
	broad := prof && k.RegieHolder(casework.RegieBroad) == op.Actor.UserID
	regie := prof && k.HoldsRegie(op.Actor)
	magAfspraak := open && v.MayBringIn[casework.CatAgreements] == casework.ScopeContent

	var rows []agreementRow
	for _, a := range v.Agreements {
		rows = append(rows, agreementRow{Shown: a, Form: "afspraak-" + c.s.pid(kindAgreement, a.Item.ID),
			MayEdit:   magAfspraak && a.Scope == casework.ScopeContent,
			MayReport: open && me.Active() && a.Item.Owner == me.Ref() && a.Scope == casework.ScopeContent})
	}
	var owners, pros, family []optionRow
	for _, p := range k.Participants {
		label := p.Name
		if p.Kind == casework.KindProfessional {
			if p.Role != "" { // "" for a participant the viewer may not know about
				label += " (" + RoleName(p.Role) + ")"
			}
		} else {
			label += " (" + string(p.Kind) + ")"
		}
		if p.Active() {
			owners = append(owners, optionRow{string(p.Ref()), label})
		}
		if p.Active() && p.Kind == casework.KindProfessional && p.Ref() != me.Ref() {
			pros = append(pros, optionRow{string(p.Ref()), label})
		}
		if p.Kind != casework.KindProfessional && p.Status == casework.StatusInvited {
			family = append(family, optionRow{string(p.Ref()), label})
		}
	}
	var qs []questionRow
	for _, q := range v.Questions {
		to, _ := k.Participant(q.To)
		qs = append(qs, questionRow{InfoRequest: q, Form: "vraag-" + c.s.pid(kindQuestion, q.ID), FromName: names[q.FromUser], ToName: to.Name,
			MayAnswer: open && q.To == me.Ref() && q.AnsweredAt.IsZero() && q.Scope == casework.ScopeContent})
	}
	var bring []optionRow
	for _, cat := range c.svc(r.Context()).Guard().Convenant().Categories() {
		if scope, ok := v.MayBringIn[cat.Code]; ok && cat.Code != casework.CatMinutes && cat.Code != casework.CatAgreements {
			bring = append(bring, optionRow{cat.Code, cat.Name + " (" + scope + ")"})
		}
	}
	var askCats []optionRow
	for _, cat := range c.svc(r.Context()).Guard().Convenant().Categories() {
		askCats = append(askCats, optionRow{cat.Code, cat.Name})
	}
	var kinds []optionRow
	for _, kind := range casework.RegieKinds {
		kinds = append(kinds, optionRow{string(kind), kind.Label()})
	}
	var results []optionRow
	for _, res := range casework.Results {
		results = append(results, optionRow{res.Code, res.Label})
	}
	reasons := []optionRow{{casework.ReasonManual, "Met de hand: het overleg loopt vast"}, {casework.ReasonStalled, "Geen voortgang op de afspraken"}, {casework.ReasonThuiszitter, "Thuiszitter langer dan de termijn"}}
	if len(v.Triggers) > 0 {
		first := v.Triggers[0].Reason
		slices.SortStableFunc(reasons, func(a, b optionRow) int {
			switch {
			case a.Value == first:
				return -1
			case b.Value == first:
				return 1
			}
			return 0
		})
	}
	var consultants, candidates []optionRow
	mayEscalate := open && k.Escalation == nil && (regie || (op.Actor.Professional() && op.Actor.Party == casework.PartySWV))
	if mayEscalate {
		for _, a := range c.consultants(r, region) {
			consultants = append(consultants, optionRow{idText(a.ID), a.Name + " (" + a.OrgName + ")"})
		}
	}
	if open && regie {
		for _, a := range c.candidates(r, region, k) {
			candidates = append(candidates, optionRow{idText(a.ID), a.Name + " (" + RoleName(a.Role) + ", " + a.OrgName + ")"})
		}
	}
	var myInvite *casework.Participant
	if !op.Actor.Professional() {
		if p, ok := k.ParticipantFor(op.Actor); ok {
			myInvite = &p
		}
	}
	d["afspraken"] = rows
	d["magAfspraak"] = magAfspraak
	d["eigenaren"] = owners
	d["professionals"] = pros
	d["gezinOpen"] = family
	d["vragen"] = qs
	d["inbrengKeuze"] = bring
	d["vraagCategorieen"] = askCats
	d["regieSoorten"] = kinds
	d["resultaten"] = results
	d["redenen"] = reasons
	d["consulenten"] = consultants
	d["kandidaten"] = candidates
	d["statussen"] = casework.AgreementStatuses
	d["open"] = open
	d["isProfessional"] = prof
	d["heeftRegie"] = open && regie
	d["bredeRegie"] = open && broad
	d["magOpschalen"] = mayEscalate
	d["magBesluiten"] = open && k.Escalation != nil && k.Escalation.Decision == "" && prof &&
		(op.Actor.UserID == k.Escalation.Consultant || broad)
	d["mijnUitnodiging"] = myInvite
	d["magVragen"] = open && prof && len(pros) > 0
	d["in"] = map[string]string{}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
