package web

// documentVerzuim adds the absence operations to the served OpenAPI document.
func (s *Server) documentVerzuim() {
	secured := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
	bearer := []obj{{"bearer": []string{}}}
	intg := obj{"type": "integer", "format": "int64"}
	num := obj{"type": "number"}
	boolean := obj{"type": "boolean"}
	date := obj{"type": "string", "format": "date"}
	idParam := obj{"name": "id", "in": "path", "required": true, "description": "Id van de verzuimmelding", "schema": intg}
	paths := obj{
		"/verzuimregistraties": obj{"post": obj{
			"operationId": "verzuimregistratiesImporteren", "tags": []string{"Verzuim"}, "summary": "Verzuimregistraties van de school importeren",
			"description": "Registraties als text/csv (kopregel leerling,datum,uren,reden) of als JSON-array. Alles of niets: bij één foute regel wordt niets geïmporteerd en noemt invalidParams elke foute regel; met slaFoutenOver=true worden de goede regels geïmporteerd en de foute gemeld. Daarna worden de signalen bijgewerkt. Scope verzuim:vastleggen.",
			"security":    bearer,
			"parameters":  []obj{doelParam, queryParam("slaFoutenOver", "Importeer de goede regels van invoer met fouten.", false, obj{"type": "boolean", "default": false})},
			"requestBody": obj{"required": true, "content": obj{
				"text/csv":         obj{"schema": obj{"type": "string", "description": "CSV met kopregel leerling,datum,uren,reden; zie docs/verzuim.md"}},
				"application/json": obj{"schema": obj{"type": "array", "items": ref("Verzuimregistratie")}}}},
			"responses": merge(obj{"200": okJSON("De import is gelukt", "Verzuimimport")}, errorResponses(400, 401, 403, 415, 500)),
		}},
		"/verzuimsignalen": obj{"get": obj{
			"operationId": "verzuimsignalenLijst", "tags": []string{"Verzuim"}, "summary": "Open verzuimsignalen van uw school",
			"description": "Signalen die een verzuimmelding voorstellen en nog geen melding hebben, van leerlingen die nu op uw school staan. Per leerling alleen als het beleid het lezen van verzuim voor het doel toestaat; namen alleen als identificatie is toegestaan. Scope leerlingen:lezen.",
			"security":    secured, "parameters": []obj{doelParam},
			"responses": merge(obj{"200": okJSON("De signalen", "Verzuimsignalen")}, errorResponses(400, 401, 403, 500)),
		}},
		"/verzuimmeldingen": obj{
			"get": obj{
				"operationId": "verzuimmeldingenLijst", "tags": []string{"Verzuim"}, "summary": "Verzuimmeldingen van uw school of in uw gemeente",
				"description": "Voor een school: de meldingen die de school deed. Voor leerplicht: de meldingen over leerlingen in de gemeente, standaard alleen die in behandeling (geregistreerd, in behandeling); alle=true toont ook afgesloten. Scope meldingen:lezen.",
				"security":    secured,
				"parameters":  []obj{doelParam, queryParam("alle", "Ook afgesloten meldingen (leerplicht).", false, obj{"type": "boolean", "default": false})},
				"responses":   merge(obj{"200": okJSON("De meldingen", "Verzuimmeldingen")}, errorResponses(400, 401, 403, 500)),
			},
			"post": obj{
				"operationId": "verzuimmeldingMaken", "tags": []string{"Verzuim"}, "summary": "Verzuimmelding maken en versturen",
				"description": "Maakt de melding die een signaal voorstelt, aangevuld met de velden van het Besluit verzuimmelding. Nooit gegevens over ras, politieke opvattingen, seksueel leven of vakbondslidmaatschap. Ziekteverzuim (M@ZL) leidt niet tot een melding (409). Scope verzuim:vastleggen.",
				"security":    bearer,
				"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("VerzuimmeldingVerzoek")}}},
				"responses": merge(obj{"201": okJSON("De melding is gemaakt", "Verzuimmelding"), "409": problemResp("Dit signaal leidt niet tot een melding, of er is al een melding")},
					errorResponses(400, 401, 403, 404, 415, 500)),
			},
		},
		"/verzuimmeldingen/{id}/status": obj{"post": obj{
			"operationId": "verzuimmeldingStatus", "tags": []string{"Verzuim"}, "summary": "Status van een verzuimmelding wijzigen",
			"description": "De school trekt een geregistreerde melding in; leerplicht zet haar in behandeling, sluit af (met reden) of neemt haar ter kennisgeving aan. Scope verzuim:vastleggen.",
			"security":    bearer, "parameters": []obj{idParam},
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("StatuswijzigingVerzoek")}}},
			"responses": merge(obj{"200": okJSON("De nieuwe stand", "Verzuimmelding"), "409": problemResp("Deze statuswijziging is niet toegestaan")},
				errorResponses(400, 401, 403, 404, 415, 500)),
		}},
	}
	schemas := obj{
		"Verzuimregistratie": obj{"type": "object", "required": []string{"leerling", "datum", "uren", "reden"}, "properties": obj{
			"leerling": str("Leerlingnummer bij de school of pseudoniem; nooit het BSN"), "datum": date,
			"uren":  obj{"type": "number", "description": "Verzuimde uren (0 tot en met 24, hoogstens twee decimalen); ook als tekst, met punt of komma"},
			"reden": obj{"type": "string", "enum": []string{"ongeoorloofd", "ziek", "ziek-vermoedelijk-ongeoorloofd", "geoorloofd", "verlof", "schorsing", "te-laat"}}}},
		"Verzuimimport": obj{"type": "object", "required": []string{"regels", "geimporteerd", "sleutels", "leerlingen", "signalen", "fouten"}, "properties": obj{
			"regels": intg, "geimporteerd": intg, "sleutels": intg, "leerlingen": intg, "signalen": intg,
			"fouten": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"regel": intg, "reden": str("Wat er mis is")}}}}},
		"Verzuimsignaal": obj{"type": "object", "required": []string{"id", "leerlingId", "soort", "van", "tot", "uren", "dagen", "bron", "prioriteit", "meldbaar"}, "properties": obj{
			"id": intg, "leerlingId": intg, "naam": str("Alleen als identificatie voor het doel is toegestaan"), "soort": str("Soort signaal"),
			"van": date, "tot": date, "uren": num, "dagen": intg, "bron": str("Artikel of bron"), "prioriteit": boolean, "meldbaar": boolean}},
		"Verzuimsignalen": obj{"type": "object", "required": []string{"signalen", "weggelaten"}, "properties": obj{
			"signalen": obj{"type": "array", "items": ref("Verzuimsignaal")}, "weggelaten": obj{"type": "integer", "description": "Signalen die het beleid voor dit doel niet toont"}}},
		"Verzuimmelding": obj{"type": "object", "required": []string{"id", "leerlingId", "schoolId", "soort", "wettelijk", "begindatum", "verzuimdeUren", "verzuimdeDagen", "status", "statusSinds"}, "properties": obj{
			"id": intg, "leerlingId": intg, "naam": str("Alleen als identificatie is toegestaan"), "schoolId": intg, "signaalId": intg,
			"soort": str("Soort melding (Besluit verzuimmelding)"), "wettelijk": boolean, "begindatum": date, "einddatum": date,
			"verzuimdeUren": num, "verzuimdeDagen": intg, "status": str("geregistreerd, ingetrokken, in-behandeling, afgesloten, ter-kennisgeving-aangenomen"),
			"statusSinds": obj{"type": "string", "format": "date-time"}, "redenAfsluiting": str("Reden van afsluiten"), "afsluitnotitie": str("Afsluitnotitie")}},
		"Verzuimmeldingen": obj{"type": "object", "required": []string{"meldingen", "weggelaten"}, "properties": obj{
			"meldingen": obj{"type": "array", "items": ref("Verzuimmelding")}, "weggelaten": intg}},
		"VerzuimmeldingVerzoek": obj{"type": "object", "required": []string{"signaal", "actieSchool", "actieGemeenteGewenst", "leslocatie", "melder", "telefoonOuderOfLeerling"}, "properties": obj{
			"signaal": intg, "begindatum": date, "einddatum": date, "vermoedelijkeReden": str("Vermoedelijke reden"), "alleLessenVerzuimd": boolean,
			"actieSchool": str("Wat de school al deed"), "actieGemeenteGewenst": boolean, "toelichtingGeenActie": str("Verplicht als geen actie gewenst is"),
			"leslocatie": str("BRIN en vestiging"), "melder": obj{"type": "object", "properties": obj{"naam": str("Naam"), "functie": str("Functie"), "telefoon": str("Telefoon"), "email": str("E-mail")}},
			"telefoonOuderOfLeerling": str("Telefoon van ouder of leerling"), "verblijfadres": str("Alleen als het afwijkt van de BRP")}},
		"StatuswijzigingVerzoek": obj{"type": "object", "required": []string{"status"}, "properties": obj{
			"status":          obj{"type": "string", "enum": []string{"ingetrokken", "in-behandeling", "afgesloten", "ter-kennisgeving-aangenomen"}},
			"redenAfsluiting": str("Verplicht bij afgesloten"), "afsluitnotitie": obj{"type": "string", "enum": []string{"leerling-gesproken", "actie-in-gang-gezet", "geen-verdere-actie"}},
			"contactpersoon": str("Contactpersoon van de gemeente")}},
	}
	s.documentAPI(paths, schemas)
}
