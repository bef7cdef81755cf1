package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// shareForm is "Mag ik dit delen?": the privacy question as a form, answered by the same policy
// that guards every access, with the ground, the article, what is missing, and the short
// explanations per process step.

type shareInput struct {
	Role, Recipient, RecipientRole, Category, Purpose, Phase, Action string
	Melding                                                          bool
	Level                                                            string
	// Pupil is the pupil the question is about (chosen on the pupil page; 0: none). Then the
	// age is counted from the registered date of birth on the day, not asked.
	Pupil int64
	// Age is the age the user typed when no pupil was chosen ("" = not given).
	Age string
	// PupilAge is the age used for the answer (0: unknown); AgeFrom says where it came from.
	PupilAge int
	AgeFrom  string
	// ConsentBy lists who consented: ouder, ouders, leerling (policy.ConsentByCodes).
	ConsentBy    []string
	NotEnrolled  bool
	Verwijsindex bool
}

// Gave reports whether code is among the consent givers (for the template's check boxes).
func (in shareInput) Gave(code string) bool { return contains(in.ConsentBy, code) }

// consentGivers are the answers to "wie gaf toestemming?", in the order of the form.
var consentGivers = []Code{
	{Code: "ouder", Label: "Eén ouder met gezag"},
	{Code: "ouders", Label: "Alle ouders met gezag (bij eenhoofdig gezag: die ene ouder)"},
	{Code: "leerling", Label: "De leerling zelf"},
}

func (s *Server) shareForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	a := p.Actor()
	in := shareInput{Role: a.Party + "/" + a.Role, Action: ActVerstrekken, Purpose: p.Session.Purpose, Level: "persoon"}
	if v := r.URL.Query().Get("leerling"); v != "" {
		id, err := s.rowID(kindPupil, v, "") // the pupil's public id, as in the pupil page's URL
		if err != nil {
			return err
		}
		in.Pupil = id
		errs := map[string]string{}
		if err := s.sharePupilAge(r.Context(), p, &in, errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return s.renderForm(w, r, http.StatusOK, "mag_ik", "Mag ik dit delen?", s.shareData(p, in, nil, errs), errs)
		}
	}
	return s.render(w, r, "mag_ik", "Mag ik dit delen?", s.shareData(p, in, nil, nil))
}

// sharePage is the data of mag_ik.html: the question, the answer (nil before one) and the
// choices of the form.
type sharePage struct {
	View
	In          shareInput
	Antwoord    *Answer
	Vocab       Vocabulary
	FAQ         []faqStep
	Gevers      []Code
	Handelingen []Code
}

func (s *Server) shareData(p *Principal, in shareInput, ans *Answer, errs map[string]string) *sharePage {
	return &sharePage{In: in, Antwoord: ans, Vocab: s.vocabOf(p), FAQ: faqSteps, Gevers: consentGivers,
		Handelingen: []Code{{Code: ActVerstrekken, Label: "verstrekken aan een andere partij"}, {Code: ActLezen, Label: "inzien"}, {Code: ActVastleggen, Label: "vastleggen"}}}
}

// sharePupilAge fills in.PupilAge from the chosen pupil's registered date of birth, counted on
// the Dutch calendar day (policy.Context.On). Reading the date of birth is reading the pupil's
// identification data: only with a relation to the pupil and where the policy lets the user
// read it for the session's purpose, and logged either way. When that is refused, or the date
// is unknown, errs asks the user to give the age.
func (s *Server) sharePupilAge(ctx context.Context, p *Principal, in *shareInput, errs map[string]string) error {
	a := p.Actor()
	rels, err := s.d.Dossiers.PupilRelations(ctx, a, in.Pupil, s.today())
	if err != nil {
		return fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	if len(rels) == 0 {
		in.Pupil = 0
		errs["leeftijd"] = "U heeft geen relatie met die leerling. Vul de leeftijd van de leerling zelf in."
		return nil
	}
	purpose := p.Session.Purpose
	f, err := s.pupilFacts(ctx, p, in.Pupil, purpose)
	if err != nil {
		return err
	}
	d, err := s.decideWith(ctx, p, f, policy.Read, "identificatie", purpose, policy.Actor{})
	if err != nil {
		return err
	}
	pup, err := s.d.Dossiers.DossierPupil(ctx, a.RegionID, in.Pupil, s.today(), dossier.Want{})
	if err != nil {
		return fmt.Errorf("leerling lezen: %w", err)
	}
	if err := s.d.Audit.Append(ctx, a.RegionID, s.decisionRecord(ctx, p, pup.Pseudonym, []string{"identificatie"}, purpose, audit.ActionRead, d, "", audit.AccessUI, "mag-ik-dit-delen-leeftijd")); err != nil {
		return fmt.Errorf("auditregels schrijven: %w", err)
	}
	if !d.Allowed {
		in.Pupil = 0
		errs["leeftijd"] = "U mag de geboortedatum van deze leerling voor uw doel niet inzien. Vul de leeftijd van de leerling zelf in."
		return nil
	}
	var c policy.Context
	c.On(civil.Today(s.now()), f.Birth)
	if c.Age == 0 {
		in.Pupil = 0
		errs["leeftijd"] = "De geboortedatum van deze leerling is niet bekend. Vul de leeftijd van de leerling zelf in."
		return nil
	}
	in.PupilAge, in.AgeFrom = c.Age, "de geboortedatum in de registratie, op vandaag"
	return nil
}

func (s *Server) shareAnswer(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := shareInput{
		Role: r.PostFormValue("rol"), Recipient: r.PostFormValue("ontvanger"), Category: r.PostFormValue("categorie"),
		Purpose: r.PostFormValue("doel"), Phase: r.PostFormValue("fase"), Action: r.PostFormValue("handeling"),
		Melding: r.PostFormValue("duo-melding") == "ja", Level: r.PostFormValue("niveau"),
		Age: strings.TrimSpace(r.PostFormValue("leeftijd")), ConsentBy: r.PostForm["toestemming-door"],
		NotEnrolled: r.PostFormValue("niet-ingeschreven") == "ja", Verwijsindex: r.PostFormValue("verwijsindex") == "ja",
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
	var by policy.ConsentBy
	for _, code := range in.ConsentBy {
		bit, ok := policy.ConsentByCodes[code]
		if !ok {
			errs["toestemming-door"] = "Kies wie toestemming gaf uit de lijst."
			break
		}
		by |= bit
	}
	if id := r.PostFormValue("leerling"); id != "" && in.Level == "persoon" {
		pid, err := s.rowID(kindPupil, id, "leerling")
		if err != nil {
			return err
		}
		in.Pupil = pid
		if err := s.sharePupilAge(r.Context(), p, &in, errs); err != nil {
			return err
		}
	}
	if in.Pupil == 0 && in.Age != "" {
		n, err := strconv.Atoi(in.Age)
		if err != nil || n < 0 || n > 30 {
			errs["leeftijd"] = "Vul de leeftijd in hele jaren in (0 tot 30), of laat het veld leeg."
		} else {
			in.PupilAge, in.AgeFrom = n, "uw opgave"
		}
	}
	// Who consented counts only with the age: 12 and 16 change whose consent it must be (BW
	// 7:465, AVG art. 8 with UAVG art. 5), 18 ends the parents' gezag (BW 1:233).
	if by != 0 && in.PupilAge == 0 && errs["leeftijd"] == "" {
		errs["leeftijd"] = "Vul de leeftijd van de leerling in: wiens toestemming telt, hangt ervan af (BW art. 7:465; AVG art. 8 en UAVG art. 5)."
	}
	if len(errs) > 0 {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "mag_ik", "Mag ik dit delen?", s.shareData(p, in, nil, errs), errs)
	}
	party, role, _ := partyRole(v, in.Role)
	q := policy.Request{Actor: policy.Actor{Party: party, Role: role}, Action: policy.Action(in.Action), Category: in.Category, Purpose: in.Purpose,
		Context: policy.Context{DUOMelding: in.Melding, Phase: in.Phase, Level: in.Level, Age: in.PupilAge, ConsentBy: by,
			NotEnrolled: in.NotEnrolled, Verwijsindex: in.Verwijsindex, Day: civil.Today(s.now()).Time()}}
	if in.Action == ActVerstrekken {
		q.Recipient.Party, q.Recipient.Role, _ = partyRole(v, in.Recipient)
	}
	// A question about no pupil: asked at the region's decision point without a log entry (the
	// chosen pupil's date of birth was read and logged above).
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
