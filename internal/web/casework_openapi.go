package web

import (
	"strings"
)

// casusOps documents the casework API (paths relative to /api/v1): method, path, operation id,
// summary, success status and response schema, request schema ("" = no body), whether If-Match
// is required, and whether the call writes.
var casusOps = []struct {
	method, path, id, summary string
	status                    int
	response, request         string
	ifMatch, write            bool
}{
	{"get", "/casussen", "casussenLijst", "Casussen waaraan u deelneemt (het SWV ook de opgeschaalde)", 200, "Casussen", "", false, false},
	{"post", "/casussen", "casusOpenen", "Casus openen voor een leerling met wie u een relatie heeft (soort overleg, doel, vraag, startdatum, ook in het verleden); 201 met Location en ETag. Alleen een persoon opent een casus", 201, "CasusStap", "CasusOpenenVerzoek", false, true},
	{"get", "/casussen/{id}", "casusOphalen", "Eén casus zoals uw rol hem mag zien, met zijn ETag (ondoorzichtig: noemt geen nummer)", 200, "Casus", "", false, false},
	{"get", "/casussen/{id}/plan-van-aanpak", "planVanAanpak", "Het plan van aanpak: de afspraken die u mag zien, te laat, signalen om op te schalen", 200, "PlanVanAanpak", "", false, false},
	{"put", "/casussen/{id}/verslagen/{vid}", "verslagWijzigen", "Verslag wijzigen (If-Match: ETag van het verslag)", 200, "CasusItem", "VerslagVerzoek", true, true},
	{"post", "/casussen/{id}/afspraken", "afspraakMaken", "Afspraak vastleggen; 201 met de ETag van de afspraak", 201, "Afspraak", "AfspraakVerzoek", false, true},
	{"patch", "/casussen/{id}/afspraken/{aid}", "afspraakWijzigen", "Afspraak wijzigen; alleen status = voortgang melden (If-Match: ETag van de afspraak)", 200, "Afspraak", "AfspraakWijziging", true, true},
	{"post", "/casussen/{id}/inbreng", "inbrengen", "Informatie inbrengen in de huidige fase", 201, "CasusItem", "InbrengVerzoek", false, true},
	{"post", "/casussen/{id}/informatievragen", "informatievraagStellen", "Informatievraag aan een deelnemer: inhoud als fase en toestemming dat toestaan; anders meteen het buitenkantantwoord, als het convenant ook dat toestaat; anders 403 met de route die wel mag", 201, "Informatievraag", "InformatievraagVerzoek", false, true},
	{"post", "/casussen/{id}/informatievragen/{qid}/antwoord", "informatievraagBeantwoorden", "Inhoudelijk antwoord, alleen als fase en toestemming dat toestaan", 200, "Informatievraag", "AntwoordVerzoek", false, true},
	{"post", "/casussen/{id}/fase", "faseWijzigen", "Naar een toegestane fase (If-Match: ETag van de casus)", 200, "CasusStap", "FaseVerzoek", true, true},
	{"post", "/casussen/{id}/uitnodigingen", "gezinUitnodigen", "Ouders met gezag en de leerling vanaf 12 uitnodigen (If-Match)", 200, "CasusStap", "", true, true},
	{"post", "/casussen/{id}/uitnodiging-antwoord", "uitnodigingBeantwoorden", "Aanvaarding of weigering vastleggen (If-Match)", 200, "CasusStap", "UitnodigingAntwoordVerzoek", true, true},
	{"post", "/casussen/{id}/regie-overdracht", "regieOverdragen", "Regie overdragen met toelichting (If-Match)", 200, "CasusStap", "RegieVerzoek", true, true},
	{"post", "/casussen/{id}/doorbraakoverleg", "opschalen", "Opschalen naar het doorbraakoverleg (If-Match)", 200, "CasusStap", "OpschaalVerzoek", true, true},
	{"post", "/casussen/{id}/doorbraakoverleg/besluit", "doorbraakBesluit", "Besluit van het doorbraakoverleg (If-Match)", 200, "CasusStap", "BesluitVerzoek", true, true},
	{"post", "/casussen/{id}/afsluiting", "casusAfsluiten", "Casus afsluiten met resultaat (If-Match)", 200, "CasusStap", "AfsluitVerzoek", true, true},
}

// documentCasework adds the casework operations to the served OpenAPI document.
func (s *Server) documentCasework() {
	paths := obj{}
	names := map[string]string{"id": "Id van de casus", "vid": "Id van het verslag", "aid": "Id van de afspraak", "qid": "Id van de informatievraag"}
	for _, o := range casusOps {
		var params []obj
		for _, name := range []string{"id", "vid", "aid", "qid"} {
			if strings.Contains(o.path, "{"+name+"}") {
				params = append(params, pathParam(name, names[name]))
			}
		}
		if o.path == "/casussen" {
			params = append([]obj{queryParam("alle", "ja: ook afgesloten casussen", false, enum("Ook afgesloten", "ja", "nee"))}, pageParamsDoc...)
		}
		var extra []int
		if o.write {
			extra = append(extra, bodyErrors...)
		}
		resp := merge(obj{itoaCode(o.status): okJSON("Gelukt", o.response)}, errorResponses(extra...))
		resp["409"] = problemResp("Casus afgesloten of faseovergang niet toegestaan")
		if o.ifMatch {
			params = append(params, obj{"name": "If-Match", "in": "header", "required": true, "description": "De ETag die u las",
				"schema": pattern("ETag", ifMatchPattern, 60)})
			resp["412"] = problemFor(412, errorTexts[412])
			resp["428"] = problemFor(428, errorTexts[428])
		}
		scope := "casussen:lezen"
		if o.write {
			scope = "casussen:vastleggen"
		}
		desc := o.summary + ". Scope " + scope + "."
		op := obj{"operationId": o.id, "x-scope": scope, "tags": []string{"Casussen"}, "summary": o.summary, "description": desc,
			"security": []obj{{"bearer": []string{}}, {"sessie": []string{}}}, "responses": resp}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if o.write {
			op["security"] = []obj{{"bearer": []string{}}}
			if o.request != "" {
				op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": ref(o.request)}}}
			}
		}
		p, ok := paths[o.path].(obj)
		if !ok {
			p = obj{}
			paths[o.path] = p
		}
		p[o.method] = op
	}
	s.documentAPI(paths, casusSchemas())
}

func casusSchemas() obj {
	scope := enum("Wat u mag zien: inhoud of alleen buitenkant (dat de partij betrokken is)", "inhoud", "buitenkant")
	version := intS("Versie", 1, 1<<31-1)
	etag := pattern("ETag", etagPattern, 60)
	agreementStatus := enum("Status", "open", "loopt", "afgerond", "vervallen")
	signal := object("Reden om op te schalen", []string{"reden", "toelichting", "sinds"},
		obj{"reden": codeS("Reden"), "toelichting": text("Toelichting", 2000), "sinds": dateS("Sinds")})
	escalation := object("", []string{"reden", "toelichting", "doorzettingsmacht", "besluit"},
		obj{"reden": codeS("Reden"), "toelichting": text("Toelichting", 2000), "doorzettingsmacht": str("Naam en functie"), "besluit": text("Besluit", 5000)})
	return obj{
		"CasusSamenvatting": object("", []string{"id", "leerlingId", "soort", "fase", "geopendOp", "opgeschaald", "afgesloten", "href"},
			obj{"id": pidS("Id van de casus"), "leerlingId": pidS("Id van de leerling"), "soort": codeS("Soort overleg"), "fase": codeS("Fase"),
				"geopendOp": dateTimeS("Geopend op"), "opgeschaald": boolS("Opgeschaald naar het doorbraakoverleg"), "afgesloten": boolS("Afgesloten"), "href": hrefS("De casus")}),
		"Casussen": pageSchema("Een pagina casussen", "casussen", ref("CasusSamenvatting"), nil),
		"CasusItem": object("Verslag, afspraak of inbreng zoals uw rol die mag zien", []string{"id", "omvang", "partij"},
			obj{"id": pidS("Id"), "omvang": scope, "tekst": text("Tekst (alleen bij inhoud)", 20000), "partij": codeS("Partij van de auteur"),
				"versie": version, "etag": etag, "datum": dateS("Datum"), "status": agreementStatus, "eigenaar": str("Eigenaar"), "categorie": codeS("Categorie")}),
		"Informatievraag": object("", []string{"id", "aan", "categorie", "vraag", "omvang", "waarom", "beantwoord"},
			obj{"id": pidS("Id van de vraag"), "aan": refS("Deelnemer aan wie de vraag is gesteld"), "categorie": codeS("Categorie"), "vraag": text("Vraag", 5000),
				"omvang": scope, "waarom": text("Waarom deze omvang", 2000), "antwoord": text("Antwoord", 20000), "beantwoord": boolS("Beantwoord")}),
		"Casus": object("Eén casus zoals uw rol hem mag zien", []string{"id", "soort", "fase", "volgendeFasen", "doel", "vraag", "versie", "regie", "deelnemers",
			"verslagen", "afspraken", "inbreng", "verborgen", "magInbrengen", "opschaalSignalen", "informatievragen"},
			obj{"id": pidS("Id van de casus"), "soort": codeS("Soort overleg"), "fase": codeS("Fase"), "volgendeFasen": arr(codeS("Fase"), 20),
				"doel": codeS("Doel"), "vraag": text("Hulpvraag", 5000), "versie": version,
				"regie": mapOf("Wie de regie heeft, per soort (breed, deel, zorg): id van de gebruiker", pidS("Id van de gebruiker"), 10),
				"deelnemers": arr(object("Partij en rol alleen bij professionals", []string{"id", "naam", "soort", "status"},
					obj{"id": refS("Verwijzing naar de deelnemer (voor aan, eigenaar en deelnemer in verzoeken)"), "naam": str("Naam"), "soort": codeS("Soort deelnemer"), "partij": codeS("Partij"), "rol": codeS("Rol"), "status": codeS("Status")}), 200),
				"verslagen": arr(ref("CasusItem"), 10000), "afspraken": arr(ref("CasusItem"), 10000), "inbreng": arr(ref("CasusItem"), 10000),
				"verborgen":        intS("Aantal dat u niet mag zien", 0, 1<<31-1),
				"magInbrengen":     mapOf("Per categorie wat u mag inbrengen", text("Omvang of uitleg", 1000), 100),
				"doorbraakoverleg": escalation, "resultaat": codeS("Resultaat bij afsluiten"),
				"opschaalSignalen": arr(signal, 50), "informatievragen": arr(ref("Informatievraag"), 10000)}),
		"Afspraak": object("", []string{"id", "omvang", "datum", "status", "voorOuders", "partij", "fase", "versie", "etag", "teLaat"},
			obj{"id": pidS("Id van de afspraak"), "omvang": scope, "omschrijving": text("Omschrijving", 5000), "eigenaar": refS("Eigenaar (verwijzing naar een deelnemer)"),
				"eigenaarNaam": str("Naam van de eigenaar"), "datum": dateS("Uiterlijk"), "status": agreementStatus, "voorOuders": boolS("Zichtbaar voor ouders"),
				"partij": codeS("Partij"), "fase": codeS("Fase"), "versie": version, "etag": etag, "teLaat": boolS("Over de datum en niet afgerond")}),
		"PlanVanAanpak": object("", []string{"casus", "fase", "afspraken", "verborgen", "opschaalSignalen"},
			obj{"casus": pidS("Id van de casus"), "fase": codeS("Fase"), "afspraken": arr(ref("Afspraak"), 10000),
				"verborgen": intS("Afspraken die u niet mag zien", 0, 1<<31-1), "opschaalSignalen": arr(signal, 50)}),
		"CasusStap": object("De casus na de stap", []string{"id", "versie", "soort", "fase", "href"},
			obj{"id": pidS("Id van de casus"), "versie": version, "soort": codeS("Soort overleg"), "fase": codeS("Fase"), "href": hrefS("De casus"),
				"doorbraakoverleg": escalation, "resultaat": codeS("Resultaat")}),
		"VerslagVerzoek": object("", []string{"tekst"}, obj{"tekst": text("Tekst", 20000), "voorOuders": boolS("Zichtbaar voor ouders")}),
		"AfspraakVerzoek": object("", []string{"omschrijving", "eigenaar", "datum"}, obj{"omschrijving": text("Omschrijving", 5000), "eigenaar": refS("Eigenaar (verwijzing naar een deelnemer)"),
			"datum": dateS("Uiterlijk"), "status": agreementStatus, "voorOuders": boolS("Zichtbaar voor ouders")}),
		"AfspraakWijziging": object("Alleen de velden die veranderen", nil, obj{"omschrijving": text("Omschrijving", 5000), "eigenaar": refS("Eigenaar (verwijzing naar een deelnemer)"),
			"datum": dateS("Uiterlijk"), "status": agreementStatus, "voorOuders": boolS("Zichtbaar voor ouders")}),
		"InbrengVerzoek":         object("", []string{"categorie", "tekst"}, obj{"categorie": codeS("Categorie"), "tekst": text("Tekst", 20000)}),
		"InformatievraagVerzoek": object("", []string{"aan", "categorie", "vraag"}, obj{"aan": refS("Deelnemer (verwijzing uit de deelnemers van de casus)"), "categorie": codeS("Categorie"), "vraag": text("Vraag", 5000)}),
		"AntwoordVerzoek":        object("", []string{"antwoord"}, obj{"antwoord": text("Antwoord", 20000)}),
		"FaseVerzoek":            object("", []string{"fase"}, obj{"fase": codeS("Nieuwe fase"), "toelichting": text("Toelichting", 2000)}),
		"UitnodigingAntwoordVerzoek": object("", []string{"deelnemer", "geaccepteerd"}, obj{"deelnemer": refS("Deelnemer (verwijzing uit de deelnemers van de casus)"), "geaccepteerd": boolS("Aangenomen"),
			"toelichting": text("Toelichting", 2000)}),
		"RegieVerzoek": object("", []string{"soort", "naar"}, obj{"soort": enum("Soort regie", "breed", "deel", "zorg"), "naar": pidS("Id van de nieuwe regiehouder (gebruiker)"),
			"toelichting": text("Toelichting", 2000)}),
		"OpschaalVerzoek": object("", []string{"reden", "doorzettingsmacht"}, obj{"reden": codeS("Reden"), "toelichting": text("Toelichting", 2000),
			"onderwijsconsulent": pidS("Id van de onderwijsconsulent (gebruiker)"),
			"doorzettingsmacht":  object("", []string{"naam", "functie"}, obj{"naam": str("Naam"), "functie": str("Functie")})}),
		"BesluitVerzoek": object("", []string{"besluit"}, obj{"besluit": text("Besluit", 5000)}),
		"CasusOpenenVerzoek": object("", []string{"leerling", "soort", "doel", "vraag"}, obj{"leerling": pidS("Id van de leerling"), "soort": codeS("Soort overleg uit het convenant"),
			"doel": codeS("Doel uit het convenant"), "vraag": text("De vraag van het overleg", 2000), "startdatum": dateS("Dag waarop het werk begon (vandaag of eerder, hoogstens een jaar terug)")}),
		"AfsluitVerzoek": object("", []string{"resultaat"}, obj{"resultaat": codeS("Resultaat"), "toelichting": text("Toelichting", 2000)}),
	}
}

func itoaCode(n int) string { return itoa(int64(n)) }
