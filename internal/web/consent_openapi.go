package web

// documentToestemming adds the consent operations to the served OpenAPI document.
func (s *Server) documentToestemming() {
	bearer := []obj{{"bearer": []string{}}}
	secured := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
	codes := func(desc string) obj { return arr(codeS(desc), 50) }
	giver := pattern("Gever: leerling of ouder:<id>", `^(leerling|ouder:[0-9]+)$`, 30)
	recipient := pattern("Ontvanger: partij of partij:<organisatie-id>", `^[a-z0-9-]+(:[0-9]+)?$`, 80)
	sha := pattern("SHA-256 (hex)", `^[0-9a-f]{64}$`, 64)
	paths := obj{
		"/toestemmingen": obj{
			"get": obj{"operationId": "toestemmingenLijst", "x-scope": "toestemmingen:lezen", "tags": []string{"Toestemmingen"}, "summary": "Toestemmingen van een leerling van uw school",
				"description": "Alle vastgelegde toestemmingen en weigeringen met hun stand op dit moment. Het beleid beslist over het lezen van het toestemmingsregister; de inzage komt in het auditlog. Scope toestemmingen:lezen.",
				"security":    secured, "parameters": append([]obj{queryParam("leerling", "Id van de leerling", true, pidS("Id van de leerling"))}, pageParamsDoc...),
				"responses": merge(obj{"200": okJSON("Een pagina toestemmingen", "Toestemmingen")}, errorResponses())},
			"post": obj{"operationId": "toestemmingVastleggen", "x-scope": "toestemmingen:vastleggen", "tags": []string{"Toestemmingen"}, "summary": "Toestemming of weigering vastleggen",
				"description": "Het register controleert wie moet toestemmen (leeftijd, gezag), het doel, de ontvangers en categorieën van het convenant, het kanaal en het bewijs. Een fout noemt het veld in invalidParams; er wordt dan niets opgeslagen. Scope toestemmingen:vastleggen.",
				"security":    bearer, "requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("ToestemmingVerzoek")}}},
				"responses": merge(obj{"201": okJSON("Vastgelegd", "Toestemming")}, errorResponses(bodyErrors...))},
		},
		"/toestemmingen/{id}/intrekking": obj{"post": obj{"operationId": "toestemmingIntrekken", "x-scope": "toestemmingen:vastleggen", "tags": []string{"Toestemmingen"}, "summary": "Toestemming intrekken",
			"description": "Intrekken namens een persoon wiens toestemming nodig was (namens: leerling of ouder:<id>). Geldt bij de eerstvolgende beslissing. Het antwoord noemt de verstrekkingen die op de toestemming steunden. Scope toestemmingen:vastleggen.",
			"security":    bearer, "parameters": []obj{pathParam("id", "Id van de toestemming")},
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": object("", []string{"namens"},
				obj{"namens": giver, "notitie": text("Toelichting", 2000)})}}},
			"responses": merge(obj{"200": okJSON("Ingetrokken", "Intrekking"), "409": problemResp("Al ingetrokken"), "422": problemResp("Deze persoon kan niet intrekken")},
				errorResponses(bodyErrors...))}},
		"/toestemming-nodig": obj{"get": obj{"operationId": "toestemmingNodig", "x-scope": "toestemmingen:lezen", "tags": []string{"Toestemmingen"}, "summary": "Wiens toestemming is nodig?",
			"description": "Hetzelfde antwoord als grondslag toestemming nodig --json. Geen leerlinggegevens. Scope toestemmingen:lezen.",
			"security":    secured, "parameters": []obj{
				queryParam("geboortedatum", "Geboortedatum van de leerling", true, dateS("Geboortedatum")),
				queryParam("peildatum", "De dag waarop de vraag geldt", true, dateS("Peildatum")),
				queryParam("doel", "Doel uit het convenant", true, codeS("Doel")),
				queryParam("gezaghebbenden", "Aantal ouders met gezag (0, 1 of 2)", true, intS("Aantal", 0, 2)),
				queryParam("partij", "De partij die verstrekt (school, ggd, jeugdhulp, …); voor ggd en jeugdhulp geeft de jeugdige vanaf 12 jaar zelf toestemming (BW 7:457 en 7:465)", false, codeS("Partij"))},
			"responses": merge(obj{"200": okJSON("Het antwoord", "ToestemmingNodig")}, errorResponses())}},
	}
	schemas := obj{
		"Toestemming": object("", []string{"id", "stand", "status", "doelen", "ontvangers", "categorieen", "gevers", "kanaal", "zwakBewijs", "geldigVan"},
			obj{"id": pidS("Id van de toestemming"), "stand": enum("Stand nu", "geldig", "nog-niet-geldig", "verlopen", "ingetrokken", "geweigerd"),
				"status": enum("gegeven of geweigerd", "gegeven", "geweigerd"),
				"doelen": codes("Doel"), "ontvangers": arr(recipient, 50), "categorieen": codes("Categorie"), "gevers": arr(giver, 10), "kanaal": codeS("Kanaal"),
				"verstrekker": codeS("De partij wier verstrekking de toestemming toestaat (ggd, jeugdhulp); weggelaten: de school"),
				"zwakBewijs":  boolS("Het kanaal geeft zwak bewijs (mondeling)"),
				"geldigVan":   dateS("Geldig van"), "geldigTot": dateS("Geldig tot"), "ingetrokken": dateTimeS("Ingetrokken op")}),
		"Toestemmingen": pageSchema("Een pagina toestemmingen", "toestemmingen", ref("Toestemming"), nil),
		"ToestemmingVerzoek": object("", []string{"leerling", "doelen", "ontvangers", "categorieen", "gevers", "kanaal", "formulierVersie", "formulierHash"},
			obj{"leerling": pidS("Id van de leerling"), "status": enum("gegeven (standaard) of geweigerd", "gegeven", "geweigerd", ""), "doelen": codes("Doel"),
				"ontvangers": arr(recipient, 50), "categorieen": codes("Categorie"), "gevers": arr(giver, 10),
				"verstrekker": obj{"type": "string", "maxLength": 40, "pattern": `^([a-z0-9-]{1,40})?$`, "description": "De partij wier verstrekking de toestemming toestaat: ggd (jeugdarts; vanaf 12 jaar de leerling zelf, BW 7:457 en 7:465) of jeugdhulp (Jeugdwet 7.3.11); leeg: de school"},
				"kanaal":      enum("Kanaal", "schriftelijk", "e-mail", "digitaal-formulier", "mondeling"), "gehoordDoor": str("Bij mondeling: wie hoorde het"),
				"formulierVersie": str("Versie van het formulier"), "formulierHash": sha, "bewijs": obj{"type": "string", "pattern": `^([0-9a-f]{64})?$`, "maxLength": 64, "description": "SHA-256 van het bewijs"},
				"gegevenOp": dateS("Gegeven op"), "geldigVan": dateS("Geldig van"), "geldigTot": dateS("Geldig tot"), "notitie": text("Notitie", 2000)}),
		"Intrekking": object("", []string{"toestemming", "verstrekkingen"}, obj{"toestemming": ref("Toestemming"),
			"verstrekkingen": arr(object("", []string{"op", "ontvanger", "categorie", "verwijzing"}, obj{"op": dateTimeS("Wanneer"), "ontvanger": recipient, "categorie": codeS("Categorie"), "verwijzing": str("Verwijzing")}), 10000)}),
		"ToestemmingNodig": object("", []string{"leerling", "ouders", "reden", "bron"}, obj{"leerling": boolS("De toestemming van de leerling zelf is nodig"),
			"ouders": enum("Welke ouders", "geen", "een", "alle"), "reden": text("De regel in gewone taal", 2000), "bron": text("Wet en convenantregel", 1000)}),
	}
	s.documentAPI(paths, schemas)
}
