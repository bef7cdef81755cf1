package web

// documentToestemming adds the consent operations to the served OpenAPI document.
func (s *Server) documentToestemming() {
	bearer := []obj{{"bearer": []string{}}}
	secured := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
	intg := obj{"type": "integer", "format": "int64"}
	strs := obj{"type": "array", "items": obj{"type": "string"}}
	paths := obj{
		"/toestemmingen": obj{
			"get": obj{"operationId": "toestemmingenLijst", "tags": []string{"Toestemmingen"}, "summary": "Toestemmingen van een leerling van uw school",
				"description": "Alle vastgelegde toestemmingen en weigeringen met hun stand op dit moment. Het beleid beslist over het lezen van het toestemmingsregister; de inzage komt in de auditlog. Scope toestemmingen:lezen.",
				"security":    secured, "parameters": []obj{queryParam("leerling", "Id van de leerling", true, intg)},
				"responses": merge(obj{"200": okJSON("De toestemmingen", "Toestemmingen")}, errorResponses(400, 401, 403, 404, 500))},
			"post": obj{"operationId": "toestemmingVastleggen", "tags": []string{"Toestemmingen"}, "summary": "Toestemming of weigering vastleggen",
				"description": "Het register controleert wie moet toestemmen (leeftijd, gezag), het doel, de ontvangers en categorieën van het convenant, het kanaal en het bewijs. Een fout noemt het veld in invalidParams; er wordt dan niets opgeslagen. Scope toestemmingen:vastleggen.",
				"security":    bearer, "requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("ToestemmingVerzoek")}}},
				"responses": merge(obj{"201": okJSON("Vastgelegd", "Toestemming")}, errorResponses(400, 401, 403, 404, 415, 500))},
		},
		"/toestemmingen/{id}/intrekking": obj{"post": obj{"operationId": "toestemmingIntrekken", "tags": []string{"Toestemmingen"}, "summary": "Toestemming intrekken",
			"description": "Intrekken namens een persoon wiens toestemming nodig was (namens: leerling of ouder:<id>). Geldt bij de eerstvolgende beslissing. Het antwoord noemt de verstrekkingen die op de toestemming steunden. Scope toestemmingen:vastleggen.",
			"security":    bearer, "parameters": []obj{{"name": "id", "in": "path", "required": true, "description": "Id van de toestemming", "schema": intg}},
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": []string{"namens"},
				"properties": obj{"namens": str("leerling of ouder:<id>"), "notitie": str("Toelichting")}}}}},
			"responses": merge(obj{"200": okJSON("Ingetrokken", "Intrekking"), "409": problemResp("Al ingetrokken"), "422": problemResp("Deze persoon kan niet intrekken")},
				errorResponses(400, 401, 403, 404, 415, 500))}},
		"/toestemming-nodig": obj{"get": obj{"operationId": "toestemmingNodig", "tags": []string{"Toestemmingen"}, "summary": "Wiens toestemming is nodig?",
			"description": "Hetzelfde antwoord als grondslag toestemming nodig --json. Geen leerlinggegevens. Scope toestemmingen:lezen.",
			"security":    secured, "parameters": []obj{
				queryParam("geboortedatum", "Geboortedatum van de leerling", true, obj{"type": "string", "format": "date"}),
				queryParam("peildatum", "De dag waarop de vraag geldt", true, obj{"type": "string", "format": "date"}),
				queryParam("doel", "Doel uit het convenant", true, obj{"type": "string"}),
				queryParam("gezaghebbenden", "Aantal ouders met gezag (0, 1 of 2)", true, obj{"type": "integer", "minimum": 0, "maximum": 2})},
			"responses": merge(obj{"200": okJSON("Het antwoord", "ToestemmingNodig")}, errorResponses(400, 401, 403, 500))}},
	}
	schemas := obj{
		"Toestemming": obj{"type": "object", "required": []string{"id", "stand", "status", "doelen", "ontvangers", "categorieen", "gevers", "kanaal", "zwakBewijs", "geldigVan"},
			"properties": obj{"id": intg, "stand": str("geldig, nog-niet-geldig, verlopen, ingetrokken, geweigerd"), "status": str("gegeven of geweigerd"),
				"doelen": strs, "ontvangers": strs, "categorieen": strs, "gevers": strs, "kanaal": str("Kanaal"), "zwakBewijs": obj{"type": "boolean"},
				"geldigVan": obj{"type": "string", "format": "date"}, "geldigTot": obj{"type": "string", "format": "date"}, "ingetrokken": obj{"type": "string", "format": "date-time"}}},
		"Toestemmingen": obj{"type": "object", "required": []string{"toestemmingen"}, "properties": obj{"toestemmingen": obj{"type": "array", "items": ref("Toestemming")}}},
		"ToestemmingVerzoek": obj{"type": "object", "required": []string{"leerling", "doelen", "ontvangers", "categorieen", "gevers", "kanaal", "formulierVersie", "formulierHash"},
			"properties": obj{"leerling": intg, "status": str("gegeven (standaard) of geweigerd"), "doelen": strs, "ontvangers": strs, "categorieen": strs, "gevers": strs,
				"kanaal": str("schriftelijk, e-mail, digitaal-formulier, mondeling"), "gehoordDoor": str("Bij mondeling: wie hoorde het"),
				"formulierVersie": str("Versie van het formulier"), "formulierHash": str("SHA-256 van de formuliertekst"), "bewijs": str("SHA-256 van het bewijs"),
				"gegevenOp": obj{"type": "string", "format": "date"}, "geldigVan": obj{"type": "string", "format": "date"}, "geldigTot": obj{"type": "string", "format": "date"}, "notitie": str("Notitie")}},
		"Intrekking": obj{"type": "object", "required": []string{"toestemming", "verstrekkingen"}, "properties": obj{"toestemming": ref("Toestemming"),
			"verstrekkingen": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"op": obj{"type": "string", "format": "date-time"}, "ontvanger": str("Ontvanger"), "categorie": str("Categorie"), "verwijzing": str("Verwijzing")}}}}},
		"ToestemmingNodig": obj{"type": "object", "required": []string{"leerling", "ouders", "reden", "bron"}, "properties": obj{"leerling": obj{"type": "boolean"},
			"ouders": obj{"type": "string", "enum": []string{"geen", "een", "alle"}}, "reden": str("De regel in gewone taal"), "bron": str("Wet en convenantregel")}},
	}
	s.documentAPI(paths, schemas)
}
