package web

import "github.com/grondslag/grondslag/internal/absence"

// documentVerzuim adds the absence operations to the served OpenAPI document.
func (s *Server) documentVerzuim() {
	secured := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
	bearer := []obj{{"bearer": []string{}}}
	hours := numS("Uren", 0, 100000)
	days := intS("Dagen", 0, 100000)
	meldingStatus := enum("Status", "geregistreerd", "ingetrokken", "in-behandeling", "afgesloten", "ter-kennisgeving-aangenomen")
	paths := obj{
		"/verzuimregistraties": obj{"post": obj{
			"operationId": "verzuimregistratiesImporteren", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Verzuimregistraties van de school importeren",
			"description": "Registraties als text/csv (kopregel leerling,datum,uren,reden) of als JSON-array. Alles of niets: bij één foute regel wordt niets geïmporteerd en noemt invalidParams elke foute regel; met slaFoutenOver=true worden de goede regels geïmporteerd en de foute gemeld. Daarna worden de signalen bijgewerkt. Scope verzuim:vastleggen.",
			"security":    bearer,
			"parameters":  []obj{doelParam, queryParam("slaFoutenOver", "Importeer de goede regels van invoer met fouten.", false, obj{"type": "boolean", "default": false})},
			"requestBody": obj{"required": true, "content": obj{
				"text/csv":         obj{"schema": text("CSV met kopregel leerling,datum,uren,reden; zie docs/verzuim.md", maxUpload)},
				"application/json": obj{"schema": arr(ref("Verzuimregistratie"), 50000)}}},
			"responses": merge(obj{"200": okJSON("De import is gelukt", "Verzuimimport")}, errorResponses(bodyErrors...)),
		}},
		"/verzuimsignalen": obj{"get": obj{
			"operationId": "verzuimsignalenLijst", "x-scope": "leerlingen:lezen", "tags": []string{"Verzuim"}, "summary": "Open verzuimsignalen van uw school",
			"description": "Signalen die een verzuimmelding voorstellen en nog geen melding hebben, van leerlingen die nu op uw school staan. Per leerling alleen als het beleid het lezen van verzuim voor het doel toestaat; namen alleen als identificatie is toegestaan. Scope leerlingen:lezen.",
			"security":    secured, "parameters": append([]obj{doelParam}, pageParamsDoc...),
			"responses": merge(obj{"200": okJSON("Een pagina signalen", "Verzuimsignalen")}, errorResponses()),
		}},
		"/verzuimmeldingen": obj{
			"get": obj{
				"operationId": "verzuimmeldingenLijst", "x-scope": "meldingen:lezen", "tags": []string{"Verzuim"}, "summary": "Verzuimmeldingen van uw school of in uw gemeente",
				"description": "Voor een school: de meldingen die de school deed. Voor leerplicht: de meldingen over leerlingen in de gemeente, standaard alleen die in behandeling (geregistreerd, in behandeling); alle=true toont ook afgesloten. Scope meldingen:lezen.",
				"security":    secured,
				"parameters":  append([]obj{doelParam, queryParam("alle", "Ook afgesloten meldingen (leerplicht).", false, obj{"type": "boolean", "default": false})}, pageParamsDoc...),
				"responses":   merge(obj{"200": okJSON("Een pagina meldingen", "Verzuimmeldingen")}, errorResponses()),
			},
			"post": obj{
				"operationId": "verzuimmeldingMaken", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Verzuimmelding maken en versturen",
				"description": "Maakt de melding die een signaal voorstelt, aangevuld met de velden van het Besluit verzuimmelding. Nooit gegevens over ras, politieke opvattingen, seksueel leven of vakbondslidmaatschap. Ziekteverzuim (M@ZL) leidt niet tot een melding (409). Scope verzuim:vastleggen.",
				"security":    bearer,
				"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("VerzuimmeldingVerzoek")}}},
				"responses": merge(obj{"201": okJSON("De melding is gemaakt", "Verzuimmelding"),
					"200": okJSON("Voor deze verzuimperiode (episode) bestond de melding al: één melding per episode, dus een herhaald verzoek geeft de bestaande melding terug", "Verzuimmelding"),
					"409": problemResp("Dit signaal leidt niet tot een melding")},
					errorResponses(bodyErrors...)),
			},
		},
		"/verzuimmeldingen/{id}/status": obj{"post": obj{
			"operationId": "verzuimmeldingStatus", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Status van een verzuimmelding wijzigen",
			"description": "De school trekt een geregistreerde melding in; leerplicht zet haar in behandeling, sluit af (met reden) of neemt haar ter kennisgeving aan. Scope verzuim:vastleggen.",
			"security":    bearer, "parameters": []obj{pathParam("id", "Id van de verzuimmelding")},
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("StatuswijzigingVerzoek")}}},
			"responses": merge(obj{"200": okJSON("De nieuwe stand", "Verzuimmelding"), "409": problemResp("Deze statuswijziging is niet toegestaan")},
				errorResponses(bodyErrors...)),
		}},
		"/verzuimmeldingen/{id}/duo": obj{
			"get": obj{
				"operationId": "verzuimmeldingDUO", "x-scope": "meldingen:lezen", "tags": []string{"Verzuim"}, "summary": "De uitwisseling van een verzuimmelding met DUO",
				"description": "Kenmerk, kanaal, verzending, het meldingsnummer van DUO, de status en, als DUO de melding niet aannam, de weigering (afgewezen of fout, met DUO's toelichting). Voor de school die meldde en voor leerplicht van de woongemeente; het lezen wordt beslist en vastgelegd. Nooit het persoonsgebonden nummer. Scope meldingen:lezen.",
				"security":    secured, "parameters": []obj{pathParam("id", "Id van de verzuimmelding"), doelParam},
				"responses": merge(obj{"200": okJSON("De uitwisseling met DUO", "VerzuimmeldingDUO")}, errorResponses()),
			},
			"post": obj{
				"operationId": "verzuimmeldingNaarDUO", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Een verzuimmelding via de DUO-poort versturen",
				"description": "De school verstrekt de melding via de DUO-poort; het BSN of onderwijsnummer verlaat Grondslag alleen zo, en de verstrekking staat in het logboek van de school. Het bestandskanaal antwoordt 200 met het meldingsbestand (grondslag-duo-verzuimmelding/2, zie docs/verzuim-duo.md) als bijlage; een kanaal dat DUO bereikt 201 met het meldingsnummer. Weigert DUO (afgewezen of fout), dan staat dat met een foutstatus in de statusgeschiedenis en het logboek en is het antwoord 422. Nogmaals versturen is dezelfde melding bij DUO. Scope verzuim:vastleggen.",
				"security":    bearer, "parameters": []obj{pathParam("id", "Id van de verzuimmelding")},
				"responses": merge(obj{
					"200": obj{"description": "Bestandskanaal: het meldingsbestand voor DUO, met het persoonsgebonden nummer (Content-Disposition: attachment)", "headers": responseHeaders(200),
						"content": obj{"application/json": obj{"schema": ref("DUOMeldingsbestand")}}},
					"201": obj{"description": "DUO heeft de melding geregistreerd", "headers": responseHeaders(201), "content": obj{"application/json": obj{"schema": ref("VerzuimmeldingDUO")}}},
					"409": problemResp("De gemeente behandelt de melding al, of de school heeft geen BRIN"),
					"422": problemResp("DUO nam de melding niet aan (afgewezen of fout), of zij is niet compleet voor DUO")},
					errorResponses(503)),
			},
		},
		"/verzuimmeldingen/{id}/duo/status": obj{"post": obj{
			"operationId": "verzuimmeldingStatusBijDUO", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "De status van een verzuimmelding bij DUO opvragen en overnemen",
			"description": "Voor kanalen die DUO kunnen bevragen; het bestandskanaal antwoordt 409 (lees het statusbestand van DUO in). Een status die het proces niet toestaat, wordt niet overgenomen (409). Scope verzuim:vastleggen.",
			"security":    bearer, "parameters": []obj{pathParam("id", "Id van de verzuimmelding")},
			"responses": merge(obj{"200": okJSON("De uitwisseling na het overnemen", "VerzuimmeldingDUO"), "409": problemResp("Dit kanaal kan DUO niet bevragen, of DUO's status past niet")}, errorResponses()),
		}},
	}
	schemas := obj{
		"VerzuimmeldingDUO": object("", []string{"meldingId", "kenmerk", "kanaal", "verzonden", "status", "statusSinds"}, obj{
			"meldingId": pidS("Id van de melding"), "kenmerk": pattern("Kenmerk van de school bij DUO", `^GS-[A-Za-z0-9_-]{22}$`, 25), "kanaal": codeS("Kanaal naar DUO (bestand, fake-duo, …)"),
			"verzonden": boolS("De melding is verstuurd (of haar bestand gemaakt)"), "verzondenOp": dateTimeS("Verstuurd op"),
			"meldingsnummer": pattern("Meldingsnummer van DUO", `^[A-Za-z0-9-]{1,40}$`, 40), "status": meldingStatus, "statusSinds": dateTimeS("Status sinds"),
			"statusGelezenOp": dateTimeS("Status van DUO het laatst overgenomen op"),
			"weigering": object("DUO nam de melding niet aan; staat met een foutstatus in de statusgeschiedenis", []string{"tekst", "op"}, obj{
				"tekst": text("Afgewezen door DUO of Fout bij DUO, met DUO's code en toelichting (zonder persoonsgebonden nummer)", 600), "op": dateTimeS("Geweigerd op")})}),
		"DUOMeldingsbestand": obj{"type": "object", "description": "Het meldingsbestand grondslag-duo-verzuimmelding/2 (docs/verzuim-duo.md): alle velden van het Besluit verzuimmelding, het persoonsgebonden nummer en het BRIN van de school; data als DD-MM-JJJJ.",
			"required": []string{"formaat", "kenmerk", "persoonsgebonden_nummer"}},
		"Verzuimregistratie": object("", []string{"leerling", "datum", "uren", "reden"}, obj{
			"leerling": str("Leerlingnummer bij de school of pseudoniem; nooit het BSN"), "datum": dateS("Datum"),
			"uren": obj{"description": "Verzuimde uren (0 tot en met 24, hoogstens twee decimalen); ook als tekst, met punt of komma",
				"oneOf": []obj{numS("Uren", 0, 24), pattern("Uren als tekst", `^[0-9]{1,2}([.,][0-9]{1,2})?$`, 5)}},
			"reden": enum("Reden", "ongeoorloofd", "ziek", "ziek-vermoedelijk-ongeoorloofd", "geoorloofd", "verlof", "schorsing", "te-laat")}),
		"Verzuimimport": object("", []string{"regels", "geimporteerd", "sleutels", "leerlingen", "signalen", "fouten"}, obj{
			"regels": intS("Regels gelezen", 0, 1<<31-1), "geimporteerd": intS("Regels geïmporteerd", 0, 1<<31-1), "sleutels": intS("Nieuwe sleutels", 0, 1<<31-1),
			"leerlingen": intS("Leerlingen", 0, 1<<31-1), "signalen": intS("Signalen bijgewerkt", 0, 1<<31-1),
			"fouten": arr(object("", []string{"regel", "reden"}, obj{"regel": intS("Regelnummer", 1, 1<<31-1), "reden": text("Wat er mis is", 1000)}), 50000)}),
		"Verzuimsignaal": object("", []string{"id", "leerlingId", "soort", "van", "tot", "uren", "dagen", "bron", "prioriteit", "meldbaar"}, obj{
			"id": pidS("Id van het signaal"), "leerlingId": pidS("Id van de leerling"), "naam": str("Alleen als identificatie voor het doel is toegestaan"), "soort": codeS("Soort signaal"),
			"van": dateS("Van"), "tot": dateS("Tot en met"), "uren": hours, "dagen": days, "bron": str("Artikel of bron"), "prioriteit": boolS("Voorrang"), "meldbaar": boolS("Leidt tot een melding")}),
		"Verzuimsignalen": pageSchema("Een pagina open signalen", "signalen", ref("Verzuimsignaal"), obj{"weggelaten": intS("Signalen die het beleid voor dit doel niet toont", 0, 1<<31-1)}),
		"Verzuimmelding": object("", []string{"id", "leerlingId", "schoolId", "soort", "wettelijk", "begindatum", "verzuimdeUren", "verzuimdeDagen", "status", "statusSinds"}, obj{
			"id": pidS("Id van de melding"), "leerlingId": pidS("Id van de leerling"), "naam": str("Alleen als identificatie is toegestaan"), "schoolId": pidS("Id van de school"), "signaalId": pidS("Id van het signaal"),
			"soort": codeS("Soort melding (Besluit verzuimmelding)"), "wettelijk": boolS("Wettelijke melding"), "begindatum": dateS("Begindatum"), "einddatum": dateS("Einddatum"),
			"verzuimdeUren": hours, "verzuimdeDagen": days, "status": meldingStatus,
			"statusSinds": dateTimeS("Sinds"), "redenAfsluiting": codeS("Reden van afsluiten"), "afsluitnotitie": codeS("Afsluitnotitie")}),
		"Verzuimmeldingen": pageSchema("Een pagina meldingen", "meldingen", ref("Verzuimmelding"), obj{"weggelaten": intS("Meldingen die het beleid voor dit doel niet toont", 0, 1<<31-1)}),
		"VerzuimmeldingVerzoek": object("", []string{"signaal", "actieSchool", "actieGemeenteGewenst", "leslocatie", "melder", "telefoonOuderOfLeerling"}, obj{
			"signaal": pidS("Id van het signaal"), "begindatum": dateS("Begindatum"), "einddatum": dateS("Einddatum"), "vermoedelijkeReden": text("Vermoedelijke reden", 2000), "alleLessenVerzuimd": boolS("Alle lessen verzuimd"),
			"actieSchool": text("Wat de school al deed", 2000), "actieGemeenteGewenst": boolS("Actie van de gemeente gewenst"), "toelichtingGeenActie": text("Verplicht als geen actie gewenst is", 2000),
			"leslocatie":              pattern("BRIN en vestiging", `^[0-9]{2}[A-Z]{2}[0-9]{2}$`, 6),
			"melder":                  object("", nil, obj{"naam": str("Naam"), "functie": str("Functie"), "telefoon": pattern("Telefoon", `^[0-9 +()-]*$`, 30), "email": emailS("E-mail")}),
			"telefoonOuderOfLeerling": pattern("Telefoon van ouder of leerling", `^[0-9 +()-]*$`, 30), "verblijfadres": str("Verblijfsadres, alleen als het afwijkt van de BRP")}),
		"StatuswijzigingVerzoek": object("", []string{"status"}, obj{
			"status":          enum("Nieuwe status", "ingetrokken", "in-behandeling", "afgesloten", "ter-kennisgeving-aangenomen"),
			"redenAfsluiting": codeS("Verplicht bij afgesloten"), "afsluitnotitie": enum("Afsluitnotitie", "leerling-gesproken", "actie-in-gang-gezet", "geen-verdere-actie"),
			"contactpersoon": str("Contactpersoon van de gemeente")}),
	}
	s.documentAPI(paths, schemas)
}

// documentVrijstellingen adds the vrijstelling operations to the served OpenAPI document.
func (s *Server) documentVrijstellingen() {
	bearer := []obj{{"bearer": []string{}}}
	paths := obj{
		"/vrijstellingen": obj{"post": obj{
			"operationId": "vrijstellingAanvraagVastleggen", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Aanvraag om vrijstelling of verlof boven tien schooldagen vastleggen",
			"description": "Voor leerplicht, over een kind dat in de gemeente woont (Leerplichtwet 1969 art. 5, 5a, 15; art. 14 lid 3). Geen verzuimmelding nodig. Bij art. 5 sub a hoort de verklaring van art. 7 (hoogstens drie maanden oud). Scope verzuim:vastleggen.",
			"security":    bearer,
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("VrijstellingAanvraagVerzoek")}}},
			"responses":   merge(obj{"201": okJSON("Vastgelegd", "VrijstellingAanvraag")}, errorResponses(bodyErrors...)),
		}},
		"/vrijstellingen/{id}": obj{"get": obj{
			"operationId": "vrijstellingAanvraag", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Een aanvraag met het besluit",
			"security": bearer, "parameters": []obj{pathParam("id", "Id van de aanvraag")},
			"responses": merge(obj{"200": okJSON("De aanvraag", "VrijstellingAanvraag")}, errorResponses(400, 401, 403, 404, 500)),
		}},
		"/vrijstellingen/{id}/besluit": obj{"post": obj{
			"operationId": "vrijstellingBesluiten", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Op een aanvraag besluiten (gemotiveerd)",
			"description": "Toegekend of afgewezen, met motivering (Awb art. 3:46); een toekenning legt de vrijstelling of het verlof vast, zodat er in die periode geen verzuimsignalen ontstaan. Eén keer per aanvraag.",
			"security":    bearer, "parameters": []obj{pathParam("id", "Id van de aanvraag")},
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("VrijstellingBesluitVerzoek")}}},
			"responses":   merge(obj{"200": okJSON("Besloten", "VrijstellingAanvraag")}, errorResponses(bodyErrors...)),
		}},
	}
	kinds := []string{}
	for _, k := range absence.ExemptionKinds() {
		kinds = append(kinds, string(k))
	}
	docs := []string{}
	for _, k := range absence.DocumentKinds() {
		docs = append(docs, string(k))
	}
	schemas := obj{
		"VrijstellingAanvraagVerzoek": object("", []string{"leerling", "soort", "aanvrager", "aanvragerNaam", "ontvangen", "van", "reden"}, obj{
			"leerling":  object("", []string{"nummer"}, obj{"soort": enum("Soort nummer", "bsn", "onderwijsnummer"), "nummer": pattern("BSN of onderwijsnummer", `^[0-9]{8,9}$`, 9)}),
			"soort":     enum("Soort vrijstelling of verlof", kinds...),
			"aanvrager": enum("Aanvrager", "ouder", "jongere", "school"), "aanvragerNaam": str("Naam aanvrager"),
			"ontvangen": str("Datum van ontvangst (DD-MM-JJJJ of JJJJ-MM-DD)"), "van": str("Begindatum"), "tot": str("Einddatum"), "reden": text("Reden", 2000),
			"document": object("", []string{"soort", "afgegevenDoor", "datum"}, obj{"soort": enum("Soort document", docs...), "afgegevenDoor": str("Afgegeven door"), "datum": str("Datum")})}),
		"VrijstellingBesluitVerzoek": object("", []string{"besluit", "motivering"}, obj{
			"besluit": enum("Besluit", "toegekend", "afgewezen"), "beslotenOp": str("Besluitdatum; leeg: vandaag"), "motivering": text("Motivering", 4000),
			"besluitVan": str("Vrijgesteld vanaf"), "besluitTot": str("Tot en met"), "beslotenDoor": str("Naam en functie")}),
		"VrijstellingAanvraag": object("", []string{"id", "leerlingId", "soort", "artikel", "ontvangen", "van"}, obj{
			"id": pidS("Id van de aanvraag"), "leerlingId": pidS("Id van het kind"), "soort": codeS("Soort"), "artikel": str("Artikel"),
			"ontvangen": dateS("Ontvangen"), "van": dateS("Van"), "tot": dateS("Tot en met"), "schooldagen": intS("Schooldagen (verlof)", 0, 10000),
			"besluit": enum("Besluit", "toegekend", "afgewezen"), "beslotenOp": dateS("Besluitdatum"), "besluitVan": dateS("Vrijgesteld vanaf"), "besluitTot": dateS("Tot en met"),
			"vrijstellingId": pidS("De vastgelegde vrijstelling")}),
	}
	s.documentAPI(paths, schemas)
}

// documentDossiers adds the leerplicht dossier operations to the served OpenAPI document.
func (s *Server) documentDossiers(residents bool) {
	bearer := []obj{{"bearer": []string{}}}
	paths := obj{
		"/leerplichtdossiers": obj{"post": obj{
			"operationId": "leerplichtdossierOpenen", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Een leerplichtdossier openen",
			"description": "Voor leerplicht, over een kind dat in de gemeente woont. Grond relatief-verzuim: op een verzuimmelding (meldingId; Leerplichtwet 1969 art. 16 en 21a). " +
				"Grond absoluut-verzuim: een kind dat vandaag op geen school staat ingeschreven (leerling; art. 16 en 22), zonder melding. Eén open dossier per kind en grond: " +
				"nogmaals openen geeft het bestaande dossier terug (200, alGeopend). Scope verzuim:vastleggen.",
			"security":    bearer,
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("LeerplichtdossierVerzoek")}}},
			"responses":   merge(obj{"201": okJSON("Geopend", "Leerplichtdossier"), "200": okJSON("Er was al een open dossier", "Leerplichtdossier")}, errorResponses(bodyErrors...)),
		}},
		"/leerplichtdossiers/{id}": obj{"get": obj{
			"operationId": "leerplichtdossier", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Een dossier met zijn stappen en termijnen",
			"security": bearer, "parameters": []obj{pathParam("id", "Id van het dossier")},
			"responses": merge(obj{"200": okJSON("Het dossier", "Leerplichtdossier")}, errorResponses(400, 401, 403, 404, 500)),
		}},
		"/leerplichtdossiers/{id}/stappen": obj{"post": obj{
			"operationId": "leerplichtdossierStap", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "Een stap vastleggen (notitie, uitnodiging, gesprek, afspraak, waarschuwing, HALT, proces-verbaal)",
			"description": "Een notitie heeft een bron; een uitnodiging de datum van het gesprek (uiterlijk); een afspraak een uiterste datum. Bron en tekst worden per leerling versleuteld opgeslagen.",
			"security":    bearer, "parameters": []obj{pathParam("id", "Id van het dossier")},
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("DossierstapVerzoek")}}},
			"responses":   merge(obj{"201": okJSON("Vastgelegd; het dossier", "Leerplichtdossier")}, errorResponses(bodyErrors...)),
		}},
	}
	if residents {
		paths["/gemeentelijsten"] = obj{"post": obj{
			"operationId": "gemeentelijstInlezen", "x-scope": "verzuim:vastleggen", "tags": []string{"Verzuim"}, "summary": "De lijst van leerplichtige kinderen van de gemeente inlezen",
			"description": "Voor leerplicht: de kinderen die in de gemeente wonen (BRP of de leerplichtlevering van DUO) als text/csv met kopregel bsn,voornaam,achternaam,geboortedatum (en eventueel voorvoegsel). " +
				"Elk kind dat op de peildatum (vandaag) leer- of kwalificatieplichtig is, nergens in de regio staat ingeschreven en geen vrijstelling heeft, krijgt een dossier over absoluut verzuim (Leerplichtwet 1969 art. 16 en 22). " +
				"Een onbekend kind zonder absoluut verzuim wordt niet opgeslagen. Alles of niets: bij één foute regel wordt niets ingelezen. Scope verzuim:vastleggen.",
			"security":    bearer,
			"requestBody": obj{"required": true, "content": obj{"text/csv": obj{"schema": text("CSV met kopregel bsn,voornaam,achternaam,geboortedatum; zie docs/verzuim.md", maxUpload)}}},
			"responses":   merge(obj{"200": okJSON("De lijst is ingelezen", "Gemeentelijst")}, errorResponses(bodyErrors...)),
		}}
	}
	grounds := []string{}
	for _, g := range absence.DossierGrounds() {
		grounds = append(grounds, string(g))
	}
	kinds := []string{}
	for _, k := range absence.StepKinds() {
		kinds = append(kinds, string(k))
	}
	schemas := obj{
		"LeerplichtdossierVerzoek": object("", []string{"grond"}, obj{
			"grond":     enum("Grond van het dossier", grounds...),
			"meldingId": pidS("De verzuimmelding (bij relatief-verzuim)"),
			"leerling":  object("", []string{"nummer"}, obj{"soort": enum("Soort nummer", "bsn", "onderwijsnummer"), "nummer": pattern("BSN of onderwijsnummer (bij absoluut-verzuim)", `^[0-9]{8,9}$`, 9)}),
			"geopendOp": str("Datum van openen (DD-MM-JJJJ of JJJJ-MM-DD); leeg: vandaag")}),
		"Gemeentelijst": object("", []string{"kinderen", "bekend", "nieuw", "verhuisd", "nietIngeschreven"}, obj{
			"kinderen": intS("Kinderen op de lijst", 0, 10000000), "bekend": intS("Al bekend in de regio", 0, 10000000), "nieuw": intS("Nieuw opgeslagen (absoluut verzuim)", 0, 10000000),
			"verhuisd": intS("Bekende kinderen met een andere woongemeente, bijgewerkt", 0, 10000000),
			"nietIngeschreven": obj{"type": "array", "maxItems": 10000000, "items": object("", []string{"regel", "dossierId", "geopend", "sinds", "leerlingId"}, obj{
				"regel": intS("Regel in de lijst", 1, 100000000), "dossierId": pidS("Het dossier over absoluut verzuim"), "geopend": obj{"type": "boolean", "description": "Nieuw geopend (anders bestond het al)"},
				"sinds": dateS("Niet ingeschreven sinds"), "leerlingId": pidS("Id van het kind")})}}),
		"DossierstapVerzoek": object("", []string{"soort"}, obj{
			"soort": enum("Soort stap", kinds...), "datum": str("Datum (DD-MM-JJJJ of JJJJ-MM-DD); leeg: vandaag"), "uiterlijk": str("Datum van het gesprek of uiterste datum van de afspraak"),
			"bron": str("Bron (verplicht bij een notitie)"), "tekst": text("Tekst", 8000), "door": str("Vastgelegd door (naam, functie); leeg: de gebruiker")}),
		"Leerplichtdossier": object("", []string{"id", "leerlingId", "grond", "artikel", "geopendOp", "status", "termijnen", "stappen", "verlopen"}, obj{
			"id": pidS("Id van het dossier"), "leerlingId": pidS("Id van het kind"), "grond": enum("Grond", grounds...), "artikel": str("Wettelijke grondslag"),
			"meldingId": pidS("De verzuimmelding"), "geopendOp": dateS("Geopend op"), "status": enum("Status", "open", "gesloten"), "geslotenOp": dateS("Gesloten op"),
			"verlopen": obj{"type": "boolean", "description": "Een termijn is verstreken"}, "alGeopend": obj{"type": "boolean", "description": "Het dossier bestond al"},
			"grondslag": str("De grondslag waarop gelezen is"),
			"termijnen": obj{"type": "array", "maxItems": 1000, "items": object("", []string{"wat", "uiterlijk", "verlopen"}, obj{"wat": str("Termijn"), "uiterlijk": dateS("Uiterlijk"),
				"verlopen": obj{"type": "boolean", "description": "Verstreken"}})},
			"stappen": obj{"type": "array", "maxItems": 10000, "items": object("", []string{"id", "soort", "artikel", "datum", "door"}, obj{"id": pidS("Id van de stap"), "soort": enum("Soort", kinds...),
				"artikel": str("Artikel"), "datum": dateS("Datum"), "uiterlijk": dateS("Uiterlijk"), "bron": str("Bron"), "tekst": text("Tekst", 8000), "door": str("Vastgelegd door")})}}),
	}
	s.documentAPI(paths, schemas)
}
