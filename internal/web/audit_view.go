package web

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/storage"
)

// The FG investigates (issue 15): /audit filters the region's audit log by user, organisation,
// pupil, period, outcome and purpose, pages through it, shows every entry in words (who, on behalf
// of whom, which pupil, what, why, on which ground), and exports the selection as CSV (Dutch
// Excel) or as JSON with each entry's leaf and its inclusion proof against the latest signed
// checkpoint. Looking up one pupil needs a stated reason, and that look-up is itself recorded in
// the audit log (AVG art. 38–39: the FG supervises; the search is a processing of its own).

// AuditSearch is what the FG's view needs of the audit store (store.AuditStore provides it).
type AuditSearch interface {
	Search(ctx context.Context, regionID int64, f audit.Filter) ([]audit.Leaf, int, error)
	PupilsWithRef(ctx context.Context, regionID int64, ref string) ([]string, error)
}

// AuditAliases resolves per-pupil audit aliases to pseudonyms for display (store.AuditStore
// provides it); an alias of a destroyed pupil resolves to no one.
type AuditAliases interface {
	AuditAliasPupils(ctx context.Context, regionID int64, aliases []string) (map[string]string, error)
}

// resolveAliases fills n.pupils with the pseudonyms of the aliases in leaves.
func (s *Server) resolveAliases(ctx context.Context, regionID int64, search AuditSearch, leaves []audit.Leaf, n *auditNames) error {
	ar, ok := search.(AuditAliases)
	if !ok {
		return nil
	}
	var aliases []string
	for _, l := range leaves {
		if p := l.Entry.Pupil(); audit.IsAlias(p) {
			aliases = append(aliases, p)
		}
	}
	if len(aliases) == 0 {
		return nil
	}
	m, err := ar.AuditAliasPupils(ctx, regionID, aliases)
	if err != nil {
		return err
	}
	n.pupils = m
	return nil
}

const (
	auditPageSize  = 50
	auditExportMax = 10000
	// auditProofMax caps the JSON export: each entry's inclusion proof reads the tree (a few ms).
	auditProofMax = 1000
	// fgActivity is the processing activity of the FG's supervision (verwerkingsregister).
	fgActivity = "urn:grondslag:verwerking:toezicht-fg"
)

func (s *Server) auditSearch() AuditSearch {
	a, _ := s.d.AuditReader.(AuditSearch)
	return a
}

// auditQuery is the FG's filter form, parsed.
type auditQuery struct {
	Filter        audit.Filter
	Values        url.Values // the form as given, for the links
	PupilRef      string
	Reason        string
	User, Org     string
	From, To      string
	Outcome       string
	Purpose       string
	Page          int
	pupilResolved bool
}

func (s *Server) parseAuditQuery(ctx context.Context, r *http.Request, search AuditSearch) (auditQuery, map[string]string, error) {
	q := r.URL.Query()
	aq := auditQuery{Values: url.Values{}, Page: 1}
	errs := map[string]string{}
	keep := func(k string) string {
		v := strings.TrimSpace(q.Get(k))
		if v != "" {
			aq.Values.Set(k, v)
		}
		return v
	}
	aq.User, aq.Org, aq.Outcome, aq.Purpose = keep("gebruiker"), keep("organisatie"), keep("uitkomst"), keep("doel")
	aq.From, aq.To, aq.PupilRef, aq.Reason = keep("van"), keep("tot"), keep("leerling"), keep("reden")
	// The user and the organisation by their public ids (no row numbers in URLs, issue 15).
	if aq.User != "" {
		id, ok := s.ids.decode(kindUser, aq.User)
		if !ok {
			errs["gebruiker"] = "Kies een gebruiker uit de lijst."
		}
		aq.Filter.UserID = id
	}
	if aq.Org != "" {
		id, ok := s.ids.decode(kindOrganisation, aq.Org)
		if !ok {
			errs["organisatie"] = "Kies een organisatie uit de lijst."
		}
		aq.Filter.OrgID = id
	}
	switch aq.Outcome {
	case "", string(audit.Allowed), string(audit.Denied):
		aq.Filter.Outcome = aq.Outcome
	default:
		errs["uitkomst"] = "Kies toegestaan of geweigerd."
	}
	if aq.Purpose != "" {
		if !hasCode(s.d.Vocab.Purposes, aq.Purpose) && aq.Purpose != "inzage" && aq.Purpose != "toezicht-fg" {
			errs["doel"] = "Kies een doel uit de lijst."
		}
		aq.Filter.Purpose = aq.Purpose
	}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, s.cfg.Location)
		if err != nil {
			errs[field] = "Geef de datum als JJJJ-MM-DD, bijvoorbeeld " + s.today() + "."
		}
		return d
	}
	aq.Filter.From = day("van", aq.From)
	if to := day("tot", aq.To); !to.IsZero() {
		aq.Filter.To = to.AddDate(0, 0, 1) // "tot en met"
	}
	if !aq.Filter.From.IsZero() && !aq.Filter.To.IsZero() && !aq.Filter.From.Before(aq.Filter.To) {
		errs["tot"] = "De einddatum ligt vóór de begindatum."
	}
	if v := q.Get("pagina"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			errs["pagina"] = "De pagina moet een geheel getal van 1 of hoger zijn."
		}
		aq.Page = n
	}
	if aq.PupilRef != "" {
		switch {
		case utf8.RuneCountInString(aq.Reason) < 10:
			errs["reden"] = "Waarom zoekt u deze leerling op? Geef een reden van minstens 10 tekens (bijvoorbeeld het kenmerk van de klacht); de zoekvraag en de reden worden vastgelegd."
		case len(aq.Reason) > 180:
			errs["reden"] = "Houd de reden kort (hoogstens 180 tekens)."
		default:
			ps, err := search.PupilsWithRef(ctx, principalFrom(ctx).Actor().RegionID, aq.PupilRef)
			if err != nil {
				return aq, nil, err
			}
			switch len(ps) {
			case 0:
				errs["leerling"] = "Er is geen leerling met dit kenmerk in uw regio. Geef het kenmerk zoals het op de pagina staat (L- en acht tekens) of het hele pseudoniem."
			case 1:
				aq.Filter.Pupil, aq.pupilResolved = ps[0], true
			default:
				errs["leerling"] = "Dit kenmerk past bij meer leerlingen; geef meer tekens van het pseudoniem."
			}
		}
	}
	return aq, errs, nil
}

// recordPupilLookup writes the FG's look-up of one pupil, with the stated reason, to the log.
func (s *Server) recordPupilLookup(ctx context.Context, p *Principal, aq auditQuery, point audit.AccessPoint) error {
	ans := Answer{Allowed: true, Ground: "avg-6-1-c", GroundText: "AVG art. 6 lid 1 sub c (wettelijke plicht)", Article: "AVG art. 38 en 39 lid 1 sub b (toezicht door de FG)",
		ProcessingActivity: fgActivity}
	rec := s.auditRecord(ctx, p, aq.Filter.Pupil, "auditlog", "toezicht-fg", ans, Facts{}, point, "fg-onderzoek: "+aq.Reason)
	return s.d.Audit.Append(ctx, p.Actor().RegionID, rec)
}

// auditRow is one entry in words.
type auditRow struct {
	Index                       uint64
	Time                        time.Time
	Who, OnBehalfOf, Org, Pupil string
	What, Why, Ground, Outcome  string
	Via                         string
	leaf                        audit.Leaf
}

type auditNames struct {
	users  map[int64]auth.Account
	orgs   map[int64]string
	pupils map[string]string // audit alias → pseudonym (resolveAliases)
}

func (s *Server) auditNamesFor(ctx context.Context, regionID int64) (auditNames, []auth.Account, error) {
	accs, err := s.d.Accounts.Accounts(ctx, regionID)
	if err != nil {
		return auditNames{}, nil, err
	}
	n := auditNames{users: map[int64]auth.Account{}, orgs: map[int64]string{}}
	for _, a := range accs {
		n.users[a.ID] = a
		if a.OrgName != "" {
			n.orgs[a.OrgID] = a.OrgName
		}
	}
	return n, accs, nil
}

var accessWords = map[audit.AccessPoint]string{audit.AccessUI: "scherm", audit.AccessAPI: "API", audit.AccessCLI: "opdrachtregel", audit.AccessJob: "taak"}

func (s *Server) auditRowOf(l audit.Leaf, n auditNames) auditRow {
	r := l.Entry.Record()
	row := auditRow{Index: l.Index, Time: r.Time, Via: orDefault(accessWords[r.AccessPoint], string(r.AccessPoint)), leaf: l}
	switch {
	case r.Actor.UserID != 0:
		if a, ok := n.users[r.Actor.UserID]; ok {
			row.Who = a.Name + " (" + RoleName(r.Actor.Role) + ")"
		} else {
			row.Who = "gebruiker " + strconv.FormatInt(r.Actor.UserID, 10) + " (" + RoleName(r.Actor.Role) + ")"
		}
	case r.Actor.ParentID != 0:
		row.Who = "een ouder (nummer " + strconv.FormatInt(r.Actor.ParentID, 10) + ")"
	case r.Actor.ClientID != 0:
		row.Who = "systeem (API-client " + strconv.FormatInt(r.Actor.ClientID, 10) + ")"
	default:
		row.Who = "Grondslag zelf (" + r.Name + ")"
	}
	if r.OnBehalfOf != 0 {
		if a, ok := n.users[r.OnBehalfOf]; ok {
			row.OnBehalfOf = a.Name
		} else {
			row.OnBehalfOf = "gebruiker " + strconv.FormatInt(r.OnBehalfOf, 10)
		}
	}
	row.Org = n.orgs[r.Actor.OrganisationID]
	if row.Org == "" && r.Actor.OrganisationID != 0 {
		row.Org = "organisatie " + strconv.FormatInt(r.Actor.OrganisationID, 10)
	}
	switch ps, ok := n.pupils[r.Pupil]; {
	case ok:
		row.Pupil = PupilRef(ps)
	case audit.IsAlias(r.Pupil):
		row.Pupil = "leerling (niet meer te herleiden)"
	case r.Pupil != "":
		row.Pupil = PupilRef(r.Pupil)
	}
	row.What = string(r.Action)
	if len(r.Categories) > 0 {
		row.What += ": " + strings.Join(r.Categories, ", ")
	}
	if strings.HasPrefix(r.Name, "fg-onderzoek: ") {
		row.What += " — reden: " + strings.TrimPrefix(r.Name, "fg-onderzoek: ")
	}
	row.Why = s.purposeWords(r.Purpose)
	row.Ground = GroundWords(r.LegalGround)
	if r.Article != "" {
		row.Ground = strings.TrimPrefix(row.Ground+"; "+r.Article, "; ")
	}
	if r.ConsentID != 0 {
		row.Ground += "; met toestemming " + strconv.FormatInt(r.ConsentID, 10)
	}
	if r.Melding != "" {
		row.Ground += "; na verzuimmelding " + r.Melding
	}
	row.Outcome = string(r.Outcome)
	if r.Outcome == audit.Denied {
		row.Outcome = "geweigerd: " + strings.ReplaceAll(strings.TrimPrefix(r.Reason, "ontbreekt-"), "-", " ") + " ontbreekt"
		if !strings.HasPrefix(r.Reason, "ontbreekt-") {
			row.Outcome = "geweigerd (" + r.Reason + ")"
		}
	}
	return row
}

func (s *Server) purposeWords(code string) string {
	switch code {
	case "":
		return ""
	case "inzage":
		return "inzage door de ouder (AVG art. 15)"
	case "toezicht-fg":
		return "toezicht door de FG"
	}
	if l := Label(s.d.Vocab.Purposes, code); l != "" {
		return l
	}
	return code
}

var basisWords = map[string]string{"a": "toestemming", "b": "overeenkomst", "c": "wettelijke plicht", "d": "vitaal belang", "e": "publieke taak", "f": "gerechtvaardigd belang"}

// GroundWords writes a ground code in words: "avg-6-1-e/9.2.g" → "AVG art. 6 lid 1 sub e
// (publieke taak), uitzondering art. 9 lid 2 sub g".
func GroundWords(code string) string {
	if code == "" {
		return ""
	}
	basis, exc, _ := strings.Cut(code, "/")
	out := basis
	switch {
	case strings.HasPrefix(basis, "avg-6-1-") && len(basis) == len("avg-6-1-")+1:
		l := basis[len(basis)-1:]
		out = "AVG art. 6 lid 1 sub " + l
		if w := basisWords[l]; w != "" {
			out += " (" + w + ")"
		}
	case basis == "avg-15":
		out = "AVG art. 15 (recht op inzage)"
	}
	if exc != "" {
		parts := strings.Split(exc, ".")
		if len(parts) == 3 {
			out += ", uitzondering art. " + parts[0] + " lid " + parts[1] + " sub " + parts[2]
		} else if strings.HasPrefix(exc, "uavg-") {
			out += ", UAVG art. " + strings.TrimPrefix(exc, "uavg-")
		} else {
			out += ", " + exc
		}
	}
	return out
}

// auditPage is the data of audit.html: the FG's view of the audit log.
type auditPage struct {
	View
	Gekoppeld bool           // the audit log is linked to this screen
	Doelen    []Code         // the purposes to filter on
	Regels    []audit.Record // the recent entries, when the log cannot be searched
	// The search (Zoeken): its options, the query and one page of results.
	Zoeken                   bool
	Gebruikers, Organisaties []auditOption
	Q                        *auditQuery
	Rijen                    []auditRow
	Totaal, Pagina, Paginas  int
	CSV, JSON                string // export links of the selection
	TeVeel                   bool   // more entries than one export holds
	ExportMax, BewijsMax     int
	Vorige, Volgende         string // page links ("" when none)
}

// auditOption is one choice of a filter's select.
type auditOption struct{ Value, Label string }

func (s *Server) auditView(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx := r.Context()
	search := s.auditSearch()
	data := &auditPage{Gekoppeld: s.d.AuditReader != nil, Doelen: s.d.Vocab.Purposes}
	if search == nil {
		if s.d.AuditReader != nil {
			recs, err := s.d.AuditReader.RecentAudit(ctx, p.Account.RegionID, 100)
			if err != nil {
				return err
			}
			data.Regels = recs
		}
		return s.render(w, r, "audit", "Auditlog", data)
	}
	names, accs, err := s.auditNamesFor(ctx, p.Actor().RegionID)
	if err != nil {
		return err
	}
	sort.Slice(accs, func(i, j int) bool { return accs[i].Name < accs[j].Name })
	var users, orgs []auditOption
	for _, a := range accs {
		users = append(users, auditOption{s.pid(kindUser, a.ID), a.Name + " (" + RoleName(a.Role) + ", " + a.OrgName + ")"})
	}
	for id, name := range names.orgs {
		orgs = append(orgs, auditOption{s.pid(kindOrganisation, id), name})
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i].Label < orgs[j].Label })
	data.Gebruikers, data.Organisaties, data.Zoeken = users, orgs, true
	aq, errs, err := s.parseAuditQuery(ctx, r, search)
	if err != nil {
		return err
	}
	data.Q = &aq
	if len(errs) > 0 {
		return s.renderForm(w, r, http.StatusBadRequest, "audit", "Auditlog", data, errs)
	}
	if aq.pupilResolved {
		if err := s.recordPupilLookup(ctx, p, aq, audit.AccessUI); err != nil {
			return err
		}
	}
	aq.Filter.Offset, aq.Filter.Limit = (aq.Page-1)*auditPageSize, auditPageSize
	leaves, total, err := search.Search(ctx, p.Actor().RegionID, aq.Filter)
	if err != nil {
		return err
	}
	if err := s.resolveAliases(ctx, p.Actor().RegionID, search, leaves, &names); err != nil {
		return err
	}
	var rows []auditRow
	for _, l := range leaves {
		rows = append(rows, s.auditRowOf(l, names))
	}
	pages := (total + auditPageSize - 1) / auditPageSize
	link := func(page int) string {
		v := url.Values{}
		for k, vs := range aq.Values {
			v[k] = vs
		}
		v.Set("pagina", strconv.Itoa(page))
		return "/audit?" + v.Encode()
	}
	export := func(format string) string {
		v := url.Values{}
		for k, vs := range aq.Values {
			v[k] = vs
		}
		v.Set("formaat", format)
		return "/audit/export?" + v.Encode()
	}
	data.Rijen, data.Totaal, data.Pagina, data.Paginas = rows, total, aq.Page, pages
	data.CSV, data.JSON, data.TeVeel, data.ExportMax, data.BewijsMax = export("csv"), export("json"), total > auditProofMax, auditExportMax, auditProofMax
	if aq.Page > 1 {
		data.Vorige = link(aq.Page - 1)
	}
	if aq.Page < pages {
		data.Volgende = link(aq.Page + 1)
	}
	return s.render(w, r, "audit", "Auditlog", data)
}

// auditExport writes the selection (at most auditExportMax entries) as CSV or JSON.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx := r.Context()
	search := s.auditSearch()
	if search == nil {
		return &Error{Status: http.StatusNotFound, Title: "Niet beschikbaar", Detail: "Het auditlog is in deze installatie niet gekoppeld aan dit scherm."}
	}
	format := r.URL.Query().Get("formaat")
	if format != "csv" && format != "json" {
		return badField("formaat", "Kies csv of json.")
	}
	aq, errs, err := s.parseAuditQuery(ctx, r, search)
	if err != nil {
		return err
	}
	for field, msg := range errs {
		return badField(field, msg)
	}
	if aq.pupilResolved {
		if err := s.recordPupilLookup(ctx, p, aq, audit.AccessUI); err != nil {
			return err
		}
	}
	aq.Filter.Limit = auditExportMax
	if format == "json" {
		aq.Filter.Limit = auditProofMax
	}
	leaves, total, err := search.Search(ctx, p.Actor().RegionID, aq.Filter)
	if err != nil {
		return err
	}
	names, _, err := s.auditNamesFor(ctx, p.Actor().RegionID)
	if err != nil {
		return err
	}
	if err := s.resolveAliases(ctx, p.Actor().RegionID, search, leaves, &names); err != nil {
		return err
	}
	var rows []auditRow
	for _, l := range leaves {
		rows = append(rows, s.auditRowOf(l, names))
	}
	stamp := s.now().In(s.cfg.Location).Format("2006-01-02-1504")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Totaal", strconv.Itoa(total))
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="auditlog-`+stamp+`.csv"`)
		return writeAuditCSV(w, rows, s.cfg.Location)
	}
	out, err := s.auditJSON(ctx, p.Actor().RegionID, rows, total)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="auditlog-`+stamp+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeAuditCSV writes CSV as Dutch Excel reads it: UTF-8 with a byte order mark, ";" between
// fields, dates as DD-MM-JJJJ.
func writeAuditCSV(w http.ResponseWriter, rows []auditRow, loc *time.Location) error {
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write([]string{"volgnummer", "tijd", "wie", "namens", "organisatie", "leerling", "wat", "waarom", "grondslag", "uitkomst", "via"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{strconv.FormatUint(r.Index, 10), r.Time.In(loc).Format("02-01-2006 15:04:05"), csvSafe(r.Who), csvSafe(r.OnBehalfOf), csvSafe(r.Org), r.Pupil,
			csvSafe(r.What), csvSafe(r.Why), csvSafe(r.Ground), csvSafe(r.Outcome), r.Via}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV injection).
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

type auditEntryJSON struct {
	Volgnummer     uint64   `json:"volgnummer"`
	Tijd           string   `json:"tijd"`
	Wie            string   `json:"wie"`
	Namens         string   `json:"namens,omitempty"`
	Organisatie    string   `json:"organisatie,omitempty"`
	Leerling       string   `json:"leerling,omitempty"`
	Wat            string   `json:"wat"`
	Waarom         string   `json:"waarom,omitempty"`
	Grondslag      string   `json:"grondslag,omitempty"`
	Uitkomst       string   `json:"uitkomst"`
	Via            string   `json:"via"`
	Blad           string   `json:"blad"`
	BladHash       string   `json:"bladHash"`
	Inclusiebewijs []string `json:"inclusiebewijs,omitempty"`
	Bewijsfout     string   `json:"bewijsfout,omitempty"`
}

type auditExportJSON struct {
	Controlepunt       string           `json:"controlepunt,omitempty"`
	Verificatiesleutel string           `json:"verificatiesleutel,omitempty"`
	Grootte            uint64           `json:"grootte,omitempty"`
	Root               string           `json:"root,omitempty"`
	Totaal             int              `json:"totaal"`
	Uitleg             string           `json:"uitleg"`
	Regels             []auditEntryJSON `json:"regels"`
}

// auditJSON is the export with proofs: each leaf (its canonical bytes, base64) and, when it lies
// inside the latest signed checkpoint, the inclusion proof to the checkpoint's root (RFC 6962
// hashes), so that someone outside can check that these entries are in the log everyone signed.
func (s *Server) auditJSON(ctx context.Context, regionID int64, rows []auditRow, total int) (auditExportJSON, error) {
	out := auditExportJSON{Totaal: total, Regels: []auditEntryJSON{},
		Uitleg: "Elke regel met het blad (base64) en, als de regel in het laatste ondertekende controlepunt valt, het inclusiebewijs naar de root van dat controlepunt (RFC 6962). Regels van na het controlepunt hebben nog geen bewijs. Zie docs/audit.md."}
	pr := s.proofReader()
	var cp audit.StoredCheckpoint
	haveCP := false
	if pr != nil {
		c, err := pr.LatestCheckpoint(ctx, regionID)
		switch {
		case err == nil:
			cp, haveCP = c, true
			out.Controlepunt, out.Grootte, out.Root = string(c.Note), c.Size, base64.StdEncoding.EncodeToString(c.Root)
			if keys, err := pr.VerifierKeys(ctx, regionID); err == nil && len(keys) > 0 {
				out.Verificatiesleutel = keys[len(keys)-1]
			}
		case !errors.Is(err, storage.ErrNotFound):
			return out, err
		}
	}
	for _, r := range rows {
		b, err := audit.EncodeLeaf(r.leaf.RegionID, r.leaf.Index, r.leaf.Entry)
		if err != nil {
			return out, err
		}
		hash := audit.LeafHash(b)
		e := auditEntryJSON{Volgnummer: r.Index, Tijd: r.Time.In(s.cfg.Location).Format(time.RFC3339), Wie: r.Who, Namens: r.OnBehalfOf, Organisatie: r.Org,
			Leerling: r.Pupil, Wat: r.What, Waarom: r.Why, Grondslag: r.Ground, Uitkomst: r.Outcome, Via: r.Via,
			Blad: base64.StdEncoding.EncodeToString(b), BladHash: base64.StdEncoding.EncodeToString(hash)}
		if haveCP && r.Index < cp.Size {
			proof, err := pr.InclusionProof(ctx, regionID, r.Index, cp.Size)
			if err == nil {
				err = audit.VerifyInclusion(r.Index, cp.Size, hash, proof, cp.Root)
			}
			if err != nil {
				e.Bewijsfout = fmt.Sprintf("het bewijs klopt niet: %v", err)
			}
			for _, h := range proof {
				e.Inclusiebewijs = append(e.Inclusiebewijs, base64.StdEncoding.EncodeToString(h))
			}
		}
		out.Regels = append(out.Regels, e)
	}
	return out, nil
}
