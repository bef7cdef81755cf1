// Package demo builds a synthetic region that is realistic enough to try every feature of
// Grondslag: one samenwerkingsverband, two gemeenten, twelve schools (PO, VO, SO), a jeugdhulp
// provider, the GGD, the onderwijsconsulenten, about 5,000 pupils with their parents (some
// separated, some with one parent with gezag), enrolments, and a school year of absence in which
// a few dozen pupils cross the Leerplichtwet thresholds and a handful are thuiszitters.
//
// Everything is synthetic: invented places and schools, names drawn at random from common name
// lists, BSNs from the test range 9999xxxxx and beyond its 9,091 numbers onderwijsnummers from the
// top of their range (see ident.SyntheticIdentifiers), BRIN codes 99xx and CBS
// codes GM99xx that no real school or gemeente has. The same seed and reference date give the
// same region.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// Options shape the demo region.
type Options struct {
	Seed   uint64
	Pupils int       // default 5000
	Today  time.Time // reference date: the absence year ends here
	Code   string    // region code, default "demo"
}

// Account is a demo user to print for the person trying the demo.
type Account struct {
	UserID       int64
	Email        string
	Name         string
	Role         region.Role
	Organisation string
	OrgID        int64
}

// Org is a generated organisation.
type Org struct {
	region.Organisation
}

// PupilRef is a generated pupil with what later steps (absence, consents, cases) need.
type PupilRef struct {
	ID         int64
	Pseudonym  string
	BirthDate  time.Time
	SchoolID   int64 // current school, 0 for the absoluut-verzuim pupils
	EnrolledOn time.Time
	Number     string // leerlingnummer at that school
	GemeenteID int64
	Profile    Profile
	ParentIDs  []int64
	Gezag      []bool
}

// Profile is the absence pattern a pupil was given.
type Profile string

const (
	ProfileRegular     Profile = "regulier"
	ProfileBeginnend   Profile = "beginnend-verzuim"
	ProfileSixteen     Profile = "16-uur"
	ProfileThuiszitter Profile = "thuiszitter"
	ProfileLuxe        Profile = "luxe-verzuim"
	ProfileMazl        Profile = "mazl"
	ProfileAbsoluut    Profile = "absoluut-verzuim"
)

// Result is what Generate made.
type Result struct {
	Region        region.Region
	Orgs          []region.Organisation
	Accounts      []Account
	Pupils        []PupilRef
	Parents       int
	Enrolments    int
	Registrations []Registration
	Calendar      *absence.Calendar
	// Exempt are the pupils Populate gives a granted vrijstelling (art. 5 sub a) covering their
	// absence: they raise no signals for that period.
	Exempt []int64
	// DossierGemeente is the gemeente whose leerplichtambtenaar (leerplicht1) has the demo's
	// leerplicht dossiers: one after a melding, and one per child in absoluut verzuim.
	DossierGemeente int64
}

// Registration is one generated absence registration (the school's own record).
type Registration struct {
	PupilID  int64
	SchoolID int64
	Number   string
	Day      time.Time
	Hours    float64
	Reason   string
}

// Generate writes a new demo region into db in one transaction and returns what it made.
func Generate(ctx context.Context, db *store.DB, ring *ident.KeyRing, opt Options) (*Result, error) {
	if opt.Pupils <= 0 {
		opt.Pupils = 5000
	}
	if opt.Code == "" {
		opt.Code = "demo"
	}
	if opt.Today.IsZero() {
		return nil, fmt.Errorf("demo: peildatum ontbreekt")
	}
	today := time.Date(opt.Today.Year(), opt.Today.Month(), opt.Today.Day(), 0, 0, 0, 0, time.UTC)
	g := &generator{rnd: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), today: today, opt: opt}
	reg, err := region.NewRegion(opt.Code, "Regio Lindewaard-Oosterveen (demo)", region.Noord)
	if err != nil {
		return nil, err
	}
	reg, err = db.CreateRegion(ctx, reg, today)
	if err != nil {
		return nil, err
	}
	// The demo's own, fresh region: the keys the demo key file holds for it (an earlier demo), or
	// new ones, bound to the region in the database like `grondslag regio aanmaken` does.
	keys, err := ring.Region(reg.Code)
	if errors.Is(err, ident.ErrNoKeys) {
		keys, err = ring.Create(reg.Code)
	}
	if err != nil {
		return nil, err
	}
	if _, err := db.BindKeys(ctx, reg.ID, keys.Fingerprints(), today); err != nil {
		return nil, err
	}
	cal, err := absence.DefaultCalendar(absence.Region(reg.Holiday))
	if err != nil {
		return nil, err
	}
	g.res = &Result{Region: reg, Calendar: cal}
	ids, err := ident.SyntheticIdentifiers(opt.Pupils)
	if err != nil {
		return nil, err
	}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		if err := g.organisations(ctx, tx, reg.ID); err != nil {
			return fmt.Errorf("organisaties: %w", err)
		}
		if err := g.users(ctx, tx, reg.ID); err != nil {
			return fmt.Errorf("gebruikers: %w", err)
		}
		if err := g.pupils(ctx, tx, reg.ID, keys, ids); err != nil {
			return fmt.Errorf("leerlingen: %w", err)
		}
		if err := g.mentorClasses(ctx, tx, reg.ID); err != nil {
			return fmt.Errorf("mentorklassen: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	g.absence()
	return g.res, nil
}

type generator struct {
	rnd   *rand.Rand
	today time.Time
	opt   Options
	res   *Result

	gemeenten []region.Organisation
	po, vo    []region.Organisation
	so        region.Organisation
	numbers   map[int64]int // next leerlingnummer per school
}

func (g *generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func (g *generator) organisations(ctx context.Context, tx *store.Tx, regionID int64) error {
	joined := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(o region.Organisation) (region.Organisation, error) {
		o.JoinedOn = joined
		o, err := region.NewOrganisation(o)
		if err != nil {
			return o, err
		}
		o.ID, err = tx.CreateOrganisation(ctx, regionID, o)
		g.res.Orgs = append(g.res.Orgs, o)
		return o, err
	}
	for i, name := range gemeenteNames {
		o, err := add(region.Organisation{Kind: region.KindGemeente, Name: "Gemeente " + name, CBSCode: fmt.Sprintf("GM99%02d", i+1)})
		if err != nil {
			return err
		}
		g.gemeenten = append(g.gemeenten, o)
	}
	for _, o := range []region.Organisation{
		{Kind: region.KindSWV, Name: "Samenwerkingsverband Passend Onderwijs Lindewaard-Oosterveen"},
		{Kind: region.KindOCO, Name: "Onderwijsconsulenten (regio Noord)"},
		{Kind: region.KindJeugdhulp, Name: "Jeugdhulp De Overkant"},
		{Kind: region.KindGGD, Name: "GGD Lindewaard-Oosterveen"},
	} {
		if _, err := add(o); err != nil {
			return err
		}
	}
	brin := 0
	nextBRIN := func() string {
		brin++
		return fmt.Sprintf("99%c%c", 'A'+rune(brin/26), 'A'+rune(brin%26))
	}
	for i, name := range poSchoolNames {
		o, err := add(region.Organisation{Kind: region.KindSchool, Name: "Basisschool " + name, BRIN: nextBRIN(), Vestiging: "00", Sector: region.SectorPO, GemeenteID: g.gemeenten[i%2].ID})
		if err != nil {
			return err
		}
		g.po = append(g.po, o)
	}
	for i, name := range voSchoolNames {
		o, err := add(region.Organisation{Kind: region.KindSchool, Name: name, BRIN: nextBRIN(), Vestiging: "00", Sector: region.SectorVO, GemeenteID: g.gemeenten[i%2].ID})
		if err != nil {
			return err
		}
		g.vo = append(g.vo, o)
	}
	so, err := add(region.Organisation{Kind: region.KindSchool, Name: soSchoolNames[0], BRIN: nextBRIN(), Vestiging: "00", Sector: region.SectorSO, GemeenteID: g.gemeenten[0].ID})
	g.so = so
	return err
}

// users creates the demo accounts: per school a zorgcoördinator, a mentor and a directeur, and
// the professionals of the other parties.
func (g *generator) users(ctx context.Context, tx *store.Tx, regionID int64) error {
	add := func(o region.Organisation, role region.Role, email, name string) error {
		u := region.User{OrganisationID: o.ID, Name: name, Email: email, Role: role}
		id, err := tx.CreateUser(ctx, regionID, u, g.today)
		if err != nil {
			return err
		}
		g.res.Accounts = append(g.res.Accounts, Account{UserID: id, Email: email, Name: name, Role: role, Organisation: o.Name, OrgID: o.ID})
		return nil
	}
	person := func() string { return g.pick(firstNamesAdult) + " " + g.pick(lastNames) }
	schools := append(append(append([]region.Organisation{}, g.po...), g.vo...), g.so)
	for i, s := range schools {
		if err := add(s, region.RoleZorgcoordinator, fmt.Sprintf("zorg%d@demo.grondslag.test", i+1), person()); err != nil {
			return err
		}
		if err := add(s, region.RoleMentor, fmt.Sprintf("mentor%d@demo.grondslag.test", i+1), person()); err != nil {
			return err
		}
		if err := add(s, region.RoleDirecteur, fmt.Sprintf("directie%d@demo.grondslag.test", i+1), person()); err != nil {
			return err
		}
	}
	for i, gm := range g.gemeenten {
		if err := add(gm, region.RoleLeerplicht, fmt.Sprintf("leerplicht%d@demo.grondslag.test", i+1), person()); err != nil {
			return err
		}
	}
	byKind := map[region.OrgKind]region.Organisation{}
	for _, o := range g.res.Orgs {
		byKind[o.Kind] = o
	}
	for _, a := range []struct {
		kind  region.OrgKind
		role  region.Role
		email string
	}{
		{region.KindSWV, region.RoleSWVConsulent, "swv@demo.grondslag.test"},
		{region.KindSWV, region.RoleFG, "fg@demo.grondslag.test"},
		{region.KindSWV, region.RoleBeheerder, "beheer@demo.grondslag.test"},
		{region.KindOCO, region.RoleOnderwijsconsulent, "oco@demo.grondslag.test"},
		{region.KindGGD, region.RoleJeugdarts, "jeugdarts@demo.grondslag.test"},
		{region.KindJeugdhulp, region.RoleJeugdhulpverlener, "jeugdhulp@demo.grondslag.test"},
	} {
		if err := add(byKind[a.kind], a.role, a.email, person()); err != nil {
			return err
		}
	}
	return nil
}

// mentorClasses makes each school's mentor the mentor of the school's "A" classes (one class in
// three of every year), so the demo shows a mentor who sees his own groups only.
func (g *generator) mentorClasses(ctx context.Context, tx *store.Tx, regionID int64) error {
	for _, a := range g.res.Accounts {
		if a.Role != region.RoleMentor {
			continue
		}
		rows, err := tx.Query(ctx, `SELECT DISTINCT klas FROM inschrijving WHERE regio_id = ? AND school_id = ? AND klas LIKE ? ORDER BY klas`, regionID, a.OrgID, "%A")
		if err != nil {
			return err
		}
		var classes []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			classes = append(classes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.SetMentorClasses(ctx, regionID, a.UserID, classes); err != nil {
			return err
		}
	}
	return nil
}
