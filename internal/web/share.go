package web

import (
	"net/http"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/policy"
)

// shareForm is "Mag ik dit delen?": the privacy question as a form, answered by the same policy
// that guards every access, with the ground, the article, what is missing, and the short
// explanations per process step.

type shareInput struct {
	Role, Recipient, RecipientRole, Category, Purpose, Phase, Action string
	Melding, Consent                                                 bool
	Level                                                            string
}

func (s *Server) shareForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	a := p.Actor()
	in := shareInput{Role: a.Party + "/" + a.Role, Action: ActVerstrekken, Purpose: p.Session.Purpose, Level: "persoon"}
	return s.render(w, r, "mag_ik", "Mag ik dit delen?", s.shareData(p, in, nil, nil))
}

func (s *Server) shareData(p *Principal, in shareInput, ans *Answer, errs map[string]string) map[string]any {
	return map[string]any{"in": in, "antwoord": ans, "vocab": s.vocabOf(p), "faq": faqSteps,
		"handelingen": []Code{{Code: ActVerstrekken, Label: "verstrekken aan een andere partij"}, {Code: ActLezen, Label: "inzien"}, {Code: ActVastleggen, Label: "vastleggen"}}}
}

func (s *Server) shareAnswer(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	in := shareInput{
		Role: r.PostFormValue("rol"), Recipient: r.PostFormValue("ontvanger"), Category: r.PostFormValue("categorie"),
		Purpose: r.PostFormValue("doel"), Phase: r.PostFormValue("fase"), Action: r.PostFormValue("handeling"),
		Melding: r.PostFormValue("duo-melding") == "ja", Consent: r.PostFormValue("toestemming") == "ja", Level: r.PostFormValue("niveau"),
	}
	v := s.vocabOf(p)
	errs := map[string]string{}
	if _, _, ok := partyRole(v, in.Role); !ok {
		errs["rol"] = "Kies uw rol."
	}
	if !contains([]string{ActLezen, ActVastleggen, ActVerstrekken}, in.Action) {
		errs["handeling"] = "Kies wat u wilt doen."
	}
	if _, _, ok := partyRole(v, in.Recipient); in.Action == ActVerstrekken && !ok {
		errs["ontvanger"] = "Kies aan wie u wilt verstrekken."
	}
	if !hasCode(v.Categories, in.Category) {
		errs["categorie"] = "Kies welke gegevens het zijn."
	}
	if !hasCode(v.Purposes, in.Purpose) {
		errs["doel"] = "Kies het doel."
	}
	if in.Phase != "" && !hasCode(v.Phases, in.Phase) {
		errs["fase"] = "Kies een fase uit de lijst, of geen."
	}
	if in.Level != "persoon" && in.Level != "school" {
		errs["niveau"] = "Kies of het over een leerling gaat of over de school."
	}
	if len(errs) > 0 {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "mag_ik", "Mag ik dit delen?", s.shareData(p, in, nil, errs), errs)
	}
	party, role, _ := partyRole(v, in.Role)
	q := policy.Request{Actor: policy.Actor{Party: party, Role: role}, Action: policy.Action(in.Action), Category: in.Category, Purpose: in.Purpose,
		Context: policy.Context{DUOMelding: in.Melding, Consent: in.Consent, Phase: in.Phase, Level: in.Level}}
	if in.Action == ActVerstrekken {
		q.Recipient.Party, q.Recipient.Role, _ = partyRole(v, in.Recipient)
	}
	// A question about no pupil: asked at the region's decision point without a log entry.
	d, err := s.ask(r.Context(), p.Actor().RegionID, access.Request{Request: q})
	if err != nil {
		return err
	}
	ans := answerOf(d)
	s.log.InfoContext(r.Context(), "mag-ik-dit-delen beantwoord", "gebruiker_id", p.Account.ID, "toegestaan", ans.Allowed)
	return s.render(w, r, "mag_ik", "Mag ik dit delen?", s.shareData(p, in, &ans, nil))
}

// partyRole splits a form value "party/role" and checks it against the convenant's roles (role
// codes such as fg exist in several parties).
func partyRole(v Vocabulary, value string) (party, role string, ok bool) {
	party, role, found := strings.Cut(value, "/")
	if !found {
		return "", "", false
	}
	return party, role, isRole(v, party, role)
}

func isRole(v Vocabulary, party, role string) bool {
	for _, c := range v.Roles {
		if c.Code == role && c.Party == party {
			return true
		}
	}
	return false
}
