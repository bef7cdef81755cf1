package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/monitor"
	"github.com/grondslag/grondslag/internal/policy"
)

// MonitorSource reads what the thuiszitter monitor counts (internal/store implements it): spells
// without names or identifiers, and per school the absence it registered.
type MonitorSource interface {
	MonitorSpells(ctx context.Context, regionID int64) ([]monitor.Spell, []string, error)
	MonitorSchoolAbsence(ctx context.Context, regionID int64, from, to civil.Date) ([]monitor.SchoolAbsence, error)
}

// MonitorDeps are the monitor pages' dependencies. Threshold is the region's suppression
// threshold (0: 5).
type MonitorDeps struct {
	Source    MonitorSource
	Threshold int
}

// monitorRoles may ask for the figures; the convenant decides (purpose monitoring, aggregated).
var monitorRoles = []string{auth.RoleSWVConsulent, auth.RoleOnderwijsconsul, auth.RoleLeerplicht, auth.RoleDirecteur}

type monitorHandlers struct {
	s *Server
	d MonitorDeps

	mu    sync.Mutex
	cache map[string]*monitor.Publication // by region, date, threshold and a digest of the spells
}

// maxCached publications are kept; the cache starts over when full. A publication depends only
// on its key, so a cached one is the one that would be computed again.
const maxCached = 256

// MountMonitor adds the thuiszitter monitor: GET /monitor (tables and charts) and
// GET /monitor/export (csv, xlsx, json; inspectie=1 for the quarterly form).
func (s *Server) MountMonitor(d MonitorDeps) error {
	if d.Source == nil {
		return errors.New("web: MountMonitor vraagt een Source")
	}
	if d.Threshold == 0 {
		d.Threshold = 5
	}
	h := &monitorHandlers{s: s, d: d, cache: map[string]*monitor.Publication{}}
	s.page("GET /monitor", s.requireUser(monitorRoles, h.page))
	s.page("GET /monitor/export", s.requireUser(monitorRoles, h.export))
	return nil
}

// allowed asks the region's decision point whether the user may see aggregated absence figures
// for monitoring, and logs the decision (no pupil: the figures are counts).
func (h *monitorHandlers) allowed(r *http.Request, p *Principal) (access.Decision, error) {
	a := p.Actor()
	d, err := h.s.ask(r.Context(), a.RegionID, access.Request{Request: policy.Request{
		Actor: policy.Actor{Party: a.Party, Role: a.Role}, Action: policy.Read, Category: "verzuim",
		Purpose: "monitoring", Context: policy.Context{Level: policy.LevelAggregate}}})
	if err != nil {
		return d, err
	}
	rec := h.s.decisionRecord(r.Context(), p, "", []string{"verzuim"}, "monitoring", audit.ActionRead, d, "", audit.AccessUI, "monitor thuiszitters")
	if err := h.s.d.Audit.Append(r.Context(), a.RegionID, rec); err != nil {
		return d, err
	}
	return d, nil
}

// publication reads the spells and publishes the standard tables for day on.
func (h *monitorHandlers) publication(ctx context.Context, regionID int64, on civil.Date) (*monitor.Publication, []monitor.Spell, []string, error) {
	spells, gem, err := h.d.Source.MonitorSpells(ctx, regionID)
	if err != nil {
		return nil, nil, nil, err
	}
	pub, err := h.publish(regionID, spells, gem, on)
	return pub, spells, gem, err
}

// publish returns the publication of day on for these spells, from the cache when the same
// spells were published for that day before.
func (h *monitorHandlers) publish(regionID int64, spells []monitor.Spell, gem []string, on civil.Date) (*monitor.Publication, error) {
	key := fmt.Sprintf("%d|%s|%d|%x", regionID, on, h.d.Threshold, digest(spells, gem))
	h.mu.Lock()
	pub := h.cache[key]
	h.mu.Unlock()
	if pub != nil {
		return pub, nil
	}
	cube, err := monitor.Aggregate(spells, gem, on)
	if err != nil {
		return nil, err
	}
	pub = monitor.Publish(cube, monitor.StandardSpecs(), h.d.Threshold)
	h.mu.Lock()
	if len(h.cache) >= maxCached {
		h.cache = map[string]*monitor.Publication{}
	}
	h.cache[key] = pub
	h.mu.Unlock()
	return pub, nil
}

// digest fingerprints the spells and gemeenten (FNV-1a, 64 bits) for the cache key.
func digest(spells []monitor.Spell, gem []string) uint64 {
	f := fnv.New64a()
	var b [8]byte
	put := func(n int) {
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		f.Write(b[:])
	}
	for _, g := range gem {
		f.Write([]byte(g))
		f.Write([]byte{0})
	}
	date := func(d civil.Date) { put(d.Year*10000 + int(d.Month)*100 + d.Day) }
	for _, s := range spells {
		put(int(s.Kind)<<32 | int(s.SchoolType)<<24 | (s.Gemeente + 1))
		date(s.Birth)
		date(s.Start)
		date(s.End)
		date(s.Offer)
	}
	return f.Sum64()
}

// peildatum reads ?peildatum= (JJJJ-MM-DD from a date field, or DD-MM-JJJJ); default today.
func (h *monitorHandlers) peildatum(r *http.Request) (civil.Date, error) {
	v := r.URL.Query().Get("peildatum")
	if v == "" {
		return civil.Today(h.s.now()), nil
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		return civil.Date{}, badField("peildatum", "Vul een geldige datum in, bijvoorbeeld 31-12-2026.")
	}
	return d, nil
}

// monitorView is what the monitor page shows.
type monitorView struct {
	Peildatum   civil.Date
	Threshold   int
	Gemeenten   []string
	Gemeente    string // the filter ("" = all)
	Overview    monitorTable
	Tables      []monitorTable
	Trend       []monitorTrendRow
	TrendChart  any
	KindChart   any
	Flags       []monitor.Flag
	Method      string
	Dispute     string
	ShowSchools bool
	Ground      string
}

type monitorTable struct {
	ID, Title  string
	Definition monitor.Definition
	Head       []string
	Rows       [][]string
	Total      []string
	Note       string
}

type monitorTrendRow struct {
	Kwartaal, Peildatum string
	Values              []string
	Thuiszitters        string
}

func (h *monitorHandlers) page(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	on, err := h.peildatum(r)
	if err != nil {
		return err
	}
	d, err := h.allowed(r, p)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return denied(d)
	}
	pub, spells, gem, err := h.publication(r.Context(), p.Actor().RegionID, on)
	if err != nil {
		return err
	}
	filter := r.URL.Query().Get("gemeente")
	if filter != "" && !contains(gem, filter) {
		return badField("gemeente", "Kies een gemeente uit de lijst.")
	}
	v := monitorView{Peildatum: on, Threshold: pub.Threshold, Gemeenten: gem, Gemeente: filter,
		Method: monitor.ReliabilityMethod, Dispute: monitor.Dispute, Ground: groundLine(d),
		ShowSchools: p.Role() != auth.RoleDirecteur}
	for _, t := range pub.Tables {
		mt := viewTable(pub, t, filter)
		if t.Spec.ID == "overzicht" {
			v.Overview = mt
			continue
		}
		v.Tables = append(v.Tables, mt)
	}
	v.KindChart = kindChart(pub)
	var pubs []*monitor.Publication
	for _, q := range monitor.QuarterEnds(on, 8) {
		qp, err := h.publish(p.Actor().RegionID, spells, gem, q)
		if err != nil {
			return err
		}
		pubs = append(pubs, qp)
	}
	points := monitor.TrendOf(pubs)
	for _, pt := range points {
		row := monitorTrendRow{Kwartaal: pt.Kwartaal, Peildatum: pt.Peildatum.Dutch(), Thuiszitters: pub.Shown(pt.Thuiszitters)}
		for _, x := range pt.ByKind {
			row.Values = append(row.Values, pub.Shown(x))
		}
		v.Trend = append(v.Trend, row)
	}
	v.TrendChart = trendChart(pub, points)
	if v.ShowSchools {
		schools, err := h.d.Source.MonitorSchoolAbsence(r.Context(), p.Actor().RegionID, on.AddMonths(-12), on)
		if err != nil {
			return err
		}
		v.Flags = monitor.Reliability(schools)
	}
	return h.s.render(w, r, "monitor", "Thuiszitters in cijfers", &monitorPage{M: v, Soorten: kindNames()})
}

// monitorPage is the monitor page's data: the figures and the names of the kinds (the columns of
// the trend table).
type monitorPage struct {
	View
	M       monitorView
	Soorten []string
}

func kindNames() []string {
	var out []string
	for _, k := range monitor.Kinds() {
		out = append(out, k.Name())
	}
	return out
}

// viewTable is a published table as the page shows it; a gemeente filter keeps that gemeente's
// row of the tables by gemeente (the same published figures, never a new sum).
func viewTable(pub *monitor.Publication, t *monitor.Table, gemeente string) monitorTable {
	g := pub.Grid(t)
	mt := monitorTable{ID: t.Spec.ID, Title: t.Spec.Title, Definition: monitor.Definitions[t.Spec.Definition], Head: g[0], Total: g[len(g)-1]}
	for _, row := range g[1 : len(g)-1] {
		if gemeente != "" && t.Spec.Row == monitor.DimGemeente && row[0] != gemeente {
			continue
		}
		mt.Rows = append(mt.Rows, row)
	}
	if gemeente != "" && t.Spec.Row != monitor.DimGemeente {
		mt.Note = "Deze tabel geldt voor de hele regio: per gemeente zou zij cijfers geven die niet samen te beschermen zijn."
	}
	return mt
}

func (h *monitorHandlers) export(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	on, err := h.peildatum(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("formaat")
	var ctype, ext string
	switch format {
	case "csv":
		ctype, ext = "text/csv; charset=utf-8", "csv"
	case "xlsx":
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	case "json":
		ctype, ext = "application/json", "json"
	default:
		return badField("formaat", "Kies csv, xlsx of json.")
	}
	d, err := h.allowed(r, p)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return denied(d)
	}
	pub, _, _, err := h.publication(r.Context(), p.Actor().RegionID, on)
	if err != nil {
		return err
	}
	name := "thuiszitters-" + on.String()
	if r.URL.Query().Get("inspectie") == "1" {
		pub, name = pub.Inspectie(), "inspectie-"+monitor.QuarterName(on)+"-"+on.String()
	}
	var buf bytes.Buffer
	switch format {
	case "csv":
		err = pub.WriteCSV(&buf)
	case "xlsx":
		err = pub.WriteXLSX(&buf)
	default:
		err = pub.WriteJSON(&buf)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"."+ext+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}
