package consent

import (
	"fmt"
	"sort"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Term is a code of the convenant with the words a parent reads for it.
type Term struct {
	Name        string
	Description string
	// ForPupil is the wording when the form speaks to a pupil of 16 or older ("je"); empty: Name
	// (categories) or Description (purposes) serve both.
	ForPupil string
	Special  bool // a special category of personal data (AVG art. 9) or criminal data (art. 10)
}

// Scope is what a consent for a purpose is asked for: to whom, which data. The consent form lists
// it; a consent may cover less, never more.
type Scope struct {
	Recipients []string // party codes
	Categories []string // category codes
}

// Catalog holds the convenant's vocabulary the register checks codes against: purposes, parties
// (recipients) and data categories, and per purpose the scope a consent is asked for.
type Catalog struct {
	Purposes   map[string]Term
	Parties    map[string]Term
	Categories map[string]Term
	Scopes     map[string]Scope // per purpose
}

// DefaultCatalog returns the codes of the model convenant (issue 3 fixes them) with plain-language
// words for the consent form.
func DefaultCatalog() Catalog {
	return Catalog{
		Purposes: map[string]Term{
			PurposeSignalering: {Name: "signalering en aanmelding casusoverleg",
				Description: "Zorgen over uw kind bespreken met de partners van school, zodat uw kind op tijd de juiste hulp krijgt.",
				ForPupil:    "Zorgen over jou bespreken met de partners van school, zodat je op tijd de juiste hulp krijgt."},
			PurposeToeleiding: {Name: "toeleiding naar passend onderwijs en ondersteuning",
				Description: "Samen met het samenwerkingsverband een school of extra ondersteuning zoeken die past bij uw kind.",
				ForPupil:    "Samen met het samenwerkingsverband een school of extra ondersteuning zoeken die bij jou past."},
			PurposeLeerplicht: {Name: "handhaving leerplicht",
				Description: "Verzuim melden aan de leerplichtambtenaar. Dit moet de school doen volgens de Leerplichtwet."},
			PurposeJeugdhulp: {Name: "jeugdhulp in het kader van de casus",
				Description: "Hulp voor uw kind of uw gezin regelen en afstemmen met jeugdhulp en de jeugdarts.",
				ForPupil:    "Hulp voor jou of je gezin regelen en afstemmen met jeugdhulp en de jeugdarts."},
			PurposeMonitoring: {Name: "monitoring thuiszitters",
				Description: "Tellen hoeveel kinderen thuis zitten, zonder namen."},
			PurposeAbsoluut: {Name: "aanpak absoluut verzuim",
				Description: "Een kind dat op geen enkele school staat ingeschreven weer naar school helpen. Dit doet de leerplichtambtenaar volgens de Leerplichtwet."},
			PurposeVrijstelling: {Name: "vrijstellingen en verlof",
				Description: "Beslissen over een vrijstelling van de leerplicht of over verlof van meer dan tien schooldagen."},
			PurposeRMC: {Name: "voortijdig schoolverlaten (RMC)",
				Description: "Jongeren van 18 tot 23 jaar zonder diploma helpen naar school of werk.", ForPupil: "Jou helpen naar school of werk als je 18 tot 23 bent en nog geen diploma hebt."},
			PurposeReclassering: {Name: "jeugdreclassering",
				Description: "Begeleiding door een gecertificeerde instelling in het strafrecht."},
		},
		Parties: map[string]Term{
			"school":    {Name: "de school"},
			"swv":       {Name: "het samenwerkingsverband passend onderwijs"},
			"gemeente":  {Name: "de gemeente (leerplicht en wijkteam)"},
			"jeugdhulp": {Name: "de jeugdhulpaanbieder"},
			"ggd":       {Name: "de jeugdarts van de GGD"},
			"gi":        {Name: "de gecertificeerde instelling (jeugdreclassering)"},
		},
		Categories: map[string]Term{
			"identificatie":          {Name: "naam, geboortedatum en BSN"},
			"contact":                {Name: "adres, telefoonnummer en e-mailadres"},
			"onderwijs":              {Name: "school, klas en schoolresultaten"},
			"verzuim":                {Name: "afwezigheid en verzuim"},
			"gezinssituatie":         {Name: "de situatie thuis"},
			"ondersteuningsbehoefte": {Name: "wat uw kind nodig heeft om te leren", ForPupil: "wat jij nodig hebt om te leren"},
			"gezondheid":             {Name: "gezondheid", Special: true},
			"jeugdhulp":              {Name: "hulp die uw kind of gezin krijgt", ForPupil: "hulp die jij of je gezin krijgt", Special: true},
			"strafrechtelijk":        {Name: "contacten met politie of justitie", Special: true},
			"casusverslag":           {Name: "het verslag van het overleg over uw kind"},
			"afspraken":              {Name: "de afspraken die we maken"},
			"toestemming":            {Name: "uw toestemming zelf"},
		},
		Scopes: map[string]Scope{
			PurposeSignalering: {Recipients: []string{"swv", "gemeente", "jeugdhulp", "ggd"},
				Categories: []string{"identificatie", "contact", "onderwijs", "verzuim", "ondersteuningsbehoefte", "gezinssituatie"}},
			PurposeToeleiding: {Recipients: []string{"swv", "gemeente"},
				Categories: []string{"identificatie", "contact", "onderwijs", "verzuim", "ondersteuningsbehoefte"}},
			PurposeJeugdhulp: {Recipients: []string{"jeugdhulp", "ggd", "gemeente"},
				Categories: []string{"identificatie", "contact", "onderwijs", "verzuim", "gezinssituatie", "ondersteuningsbehoefte", "gezondheid", "jeugdhulp", "casusverslag", "afspraken"}},
		},
	}
}

func (c Catalog) validate(rules *Rules) error {
	for _, p := range rules.Purposes() {
		if _, ok := c.Purposes[p]; !ok {
			return fmt.Errorf("%w: doel %s heeft een toestemmingsregel maar staat niet in de lijst met doelen", ErrInvalidRule, p)
		}
	}
	for p, s := range c.Scopes {
		if _, ok := c.Purposes[p]; !ok {
			return fmt.Errorf("%w: reikwijdte voor onbekend doel %s", ErrInvalidRule, p)
		}
		for _, r := range s.Recipients {
			if _, ok := c.Parties[r]; !ok {
				return fmt.Errorf("%w: doel %s: onbekende ontvanger %s", ErrInvalidRule, p, r)
			}
		}
		for _, k := range s.Categories {
			if _, ok := c.Categories[k]; !ok {
				return fmt.Errorf("%w: doel %s: onbekende categorie %s", ErrInvalidRule, p, k)
			}
		}
	}
	return nil
}

func keys(m map[string]Term) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Config is what the register checks against: the consent rules and the convenant's codes.
type Config struct {
	Rules   *Rules
	Catalog Catalog
}

// BuiltinConfig is the configuration built into this package: DefaultRules and DefaultCatalog,
// with every channel allowed and no maximum validity. It serves tests and tools without a
// convenant; a running region uses DefaultConfig or FromConvenant.
func BuiltinConfig() Config {
	cfg, err := NewConfig(DefaultRules(), DefaultCatalog())
	if err != nil {
		panic(err)
	}
	return cfg
}

// DefaultConfig is the configuration of the model convenant that ships with Grondslag
// (convenant.Default()): its consent rules, forms, validity, codes and scopes.
func DefaultConfig() Config {
	k, err := convenant.Default()
	if err != nil {
		panic(fmt.Sprintf("modelconvenant: %v", err)) // embedded and tested
	}
	cfg, err := FromConvenant(k)
	if err != nil {
		panic(fmt.Sprintf("modelconvenant: %v", err))
	}
	return cfg
}

// NewConfig checks that the rules and the catalog fit together.
func NewConfig(rules *Rules, cat Catalog) (Config, error) {
	if rules == nil {
		return Config{}, fmt.Errorf("%w: geen regels", ErrInvalidRule)
	}
	if err := cat.validate(rules); err != nil {
		return Config{}, err
	}
	return Config{Rules: rules, Catalog: cat}, nil
}
