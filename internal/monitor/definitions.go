package monitor

// Definition says what a figure counts, on which source it rests, and where definitions are
// disputed. Every table names one, and every export prints it beside the figures.
type Definition struct {
	Key    string `json:"sleutel"`
	Name   string `json:"naam"`
	Text   string `json:"definitie"`
	Source string `json:"bron"`
}

// Definitions are the definitions the monitor uses.
var Definitions = map[string]Definition{
	"langdurig-relatief-verzuim": {
		Key: "langdurig-relatief-verzuim", Name: "Langdurig relatief verzuim",
		Text: "Leerlingen die op de peildatum ingeschreven zijn op een school en vier weken of langer " +
			"ongeoorloofd verzuimen, zonder vrijstelling. Geteld vanaf de eerste verzuimdag; de duur is " +
			"gerekend tot de peildatum.",
		Source: "Kamerbrief thuiszitters, 3 februari 2016; Leerplichtwet 1969 art. 21a (verzuimmelding)",
	},
	"absoluut-verzuim": {
		Key: "absoluut-verzuim", Name: "Absoluut verzuim",
		Text: "Kinderen van leerplichtige leeftijd die op de peildatum op geen enkele school ingeschreven " +
			"zijn en geen vrijstelling hebben. Geteld vanaf de dag dat het dossier absoluut verzuim is geopend.",
		Source: "Kamerbrief thuiszitters, 3 februari 2016; Leerplichtwet 1969 art. 2 en 4",
	},
	"vrijstelling-5-onder-a": {
		Key: "vrijstelling-5-onder-a", Name: "Vrijstelling art. 5 onder a",
		Text: "Kinderen die op de peildatum vrijgesteld zijn omdat zij lichamelijk of psychisch niet " +
			"geschikt zijn om tot een school te worden toegelaten (met de verklaring van art. 7). De " +
			"Inspectie vraagt deze apart op hetzelfde formulier.",
		Source: "Leerplichtwet 1969 art. 5 onder a en art. 7",
	},
	"vrijstelling-overig": {
		Key: "vrijstelling-overig", Name: "Overige vrijstellingen",
		Text: "Kinderen die op de peildatum een andere vrijstelling hebben: art. 5 onder b (bedenkingen " +
			"tegen de richting), art. 5 onder c (school in het buitenland), art. 5a (trekkend bestaan) " +
			"of art. 15 (kwalificatieplicht op andere wijze). Verlof (art. 13a en 14) telt niet mee.",
		Source: "Leerplichtwet 1969 art. 5, 5a en 15",
	},
	"overzicht": {
		Key: "overzicht", Name: "Thuiszitters en vrijstellingen",
		Text: "Thuiszitters zijn langdurig relatief verzuim plus absoluut verzuim (de overkoepelende " +
			"term van de Kamerbrief van 3 februari 2016). Vrijstellingen staan ernaast maar zijn geen " +
			"thuiszitters. Eén leerling kan in twee soorten tegelijk voorkomen als de registratie dat zegt.",
		Source: "Kamerbrief thuiszitters, 3 februari 2016",
	},
	"aanbod": {
		Key: "aanbod", Name: "Aanbod binnen 3 maanden",
		Text: "Thuiszitters die op de peildatum langer dan drie maanden thuis zijn, verdeeld naar of er " +
			"binnen drie maanden na de eerste verzuimdag een passend aanbod van onderwijs en/of zorg is " +
			"vastgelegd (de afspraak van het Thuiszitterspact).",
		Source: "Thuiszitterspact, 2016",
	},
}

// Dispute is printed with every report: counts differ with the definition used.
const Dispute = "Tellingen van thuiszitters lopen sterk uiteen met de gebruikte definitie (ouders telden " +
	"eens 15.124 thuiszitters waar 1.084 gemeld waren). Vergelijk alleen cijfers met dezelfde definitie " +
	"en peildatum."
