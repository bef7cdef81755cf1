package web

import (
	"encoding/json"
	"net/http"
	"sort"
)

// The OpenAPI 3 document of /api/v1, written here by hand next to the handlers; TestOpenAPI
// checks that its operations are exactly the API routes of routes.go and that responses carry
// only documented fields. CI lints the served document with the Dutch API Design Rules ruleset.

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func versionHeader() obj {
	return obj{"API-Version": obj{"$ref": "#/components/headers/API-Version"}}
}

func okJSON(desc, schema string) obj {
	return obj{"description": desc, "headers": versionHeader(), "content": obj{"application/json": obj{"schema": ref(schema)}}}
}

func problemResp(desc string) obj {
	return obj{"description": desc, "headers": versionHeader(), "content": obj{"application/problem+json": obj{"schema": ref("Problem")}}}
}

func errorResponses(codes ...int) obj {
	texts := map[int]string{400: "Ongeldige invoer; invalidParams noemt het veld", 401: "Niet ingelogd of ongeldig token", 403: "Geen toegang voor deze rol, scope of dit doel",
		404: "Niet gevonden, of geen relatie met deze leerling", 415: "Verkeerd formaat van de body", 500: "Fout aan de kant van de server", 503: "De server is niet gereed"}
	out := obj{}
	for _, c := range codes {
		out[itoa(int64(c))] = problemResp(texts[c])
	}
	return out
}

func merge(a, b obj) obj {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func queryParam(name, desc string, required bool, schema obj) obj {
	return obj{"name": name, "in": "query", "required": required, "description": desc, "schema": schema}
}

var doelParam = queryParam("doel", "Het doel uit het convenant waarvoor u de gegevens nodig heeft, zoals signalering of handhaving-leerplicht.", true, obj{"type": "string"})

func openAPIDocument(serverURL string) obj {
	secured := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
	linkSchema := obj{"type": "object", "required": []string{"href"}, "properties": obj{"href": str("URI")}}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "Grondslag API",
			"version":     APIVersion,
			"description": "API van Grondslag: samenwerken rond leerlingen die school missen, binnen het privacyconvenant van de regio. Elke leesactie vraagt het doel (doel), gaat langs het beleid van het convenant en wordt vastgelegd in de auditlog.",
			"contact":     obj{"name": "Grondslag", "email": "beheer@grondslag.example", "url": "https://grondslag.example/contact"},
			"license":     obj{"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
		},
		"servers": []obj{{"url": serverURL + "/api/v1", "description": "Deze server"}},
		"tags": []obj{
			{"name": "Systeem", "description": "Gezondheid en beschrijving van de API"},
			{"name": "Leerlingen", "description": "Leerlingen waarmee u een relatie heeft die het convenant erkent"},
			{"name": "Privacy", "description": "De privacyvraag: mag ik dit delen?"},
		},
		"paths": obj{
			"/gezondheid": obj{"get": obj{
				"operationId": "gezondheid", "tags": []string{"Systeem"}, "summary": "Gezondheid van de server",
				"description": "Geeft aan of de server werkt. Vraagt geen inlog.", "security": []obj{},
				"responses": merge(obj{"200": okJSON("De server werkt", "Gezondheid")}, errorResponses(500, 503)),
			}},
			"/openapi.json": obj{"get": obj{
				"operationId": "openapi", "tags": []string{"Systeem"}, "summary": "Dit OpenAPI-document",
				"description": "Het OpenAPI 3-document van deze API.", "security": []obj{},
				"responses": merge(obj{"200": obj{"description": "Het document", "headers": versionHeader(), "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}}, errorResponses(500)),
			}},
			"/leerlingen": obj{"get": obj{
				"operationId": "leerlingenLijst", "tags": []string{"Leerlingen"}, "summary": "Leerlingen met een erkende relatie",
				"description": "Lijst van de leerlingen waarmee u een relatie heeft die het convenant erkent (ingeschreven op uw school, een melding in uw gemeente, een casus, een toestemming). Namen alleen waar het beleid dat voor het doel toestaat. Scope leerlingen:lezen.",
				"security":    secured,
				"parameters": []obj{doelParam,
					queryParam("pagina", "Paginanummer, vanaf 1.", false, obj{"type": "integer", "minimum": 1, "default": 1}),
					queryParam("perPagina", "Aantal per pagina (1 tot en met 100).", false, obj{"type": "integer", "minimum": 1, "maximum": 100, "default": 20})},
				"responses": merge(obj{"200": okJSON("Een pagina leerlingen", "LeerlingenPagina")}, errorResponses(400, 401, 403, 500)),
			}},
			"/leerlingen/{id}": obj{"get": obj{
				"operationId": "leerlingOphalen", "tags": []string{"Leerlingen"}, "summary": "Eén leerling",
				"description": "De gegevens van één leerling, per categorie alleen als het beleid dat voor uw doel toestaat; elk blok noemt de grondslag en het artikel. Zonder erkende relatie: 404. Scope leerlingen:lezen.",
				"security":    secured,
				"parameters":  []obj{{"name": "id", "in": "path", "required": true, "description": "Id van de leerling", "schema": obj{"type": "integer", "format": "int64"}}, doelParam},
				"responses":   merge(obj{"200": okJSON("De leerling", "Leerling")}, errorResponses(400, 401, 403, 404, 500)),
			}},
			"/mag-ik-dit-delen": obj{"post": obj{
				"operationId": "magIkDitDelen", "tags": []string{"Privacy"}, "summary": "Mag ik dit delen?",
				"description": "Beantwoordt de privacyvraag met hetzelfde beleid dat elke toegang bewaakt: toegestaan of niet, de grondslag, het artikel van het convenant, de voorwaarden, de plichten en wat er ontbreekt. Scope mag-ik-dit-delen.",
				"security":    []obj{{"bearer": []string{}}},
				"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("Privacyvraag")}}},
				"responses":   merge(obj{"200": okJSON("Het antwoord", "Privacyantwoord")}, errorResponses(400, 401, 403, 415, 500)),
			}},
		},
		"components": obj{
			"headers": obj{"API-Version": obj{"description": "De volledige versie van de API", "schema": obj{"type": "string", "example": APIVersion}}},
			"securitySchemes": obj{
				"bearer": obj{"type": "http", "scheme": "bearer", "description": "Token van een API-client van uw organisatie (begint met gsl_), met scopes."},
				"sessie": obj{"type": "apiKey", "in": "cookie", "name": "gs_sessie", "description": "Sessiecookie van een ingelogde gebruiker (alleen voor lezen). Achter TLS heet het cookie __Host-gs_sessie."},
			},
			"schemas": obj{
				"Problem": obj{"type": "object", "description": "Foutbericht volgens RFC 9457. Bij ongeldige invoer staat in de extensie invalidParams welk veld fout is (name) en waarom (reason).",
					"required": []string{"status", "title", "detail"},
					"properties": obj{"type": str("URI van het soort fout"), "title": str("Korte omschrijving"), "status": obj{"type": "integer", "description": "HTTP-status"},
						"detail": str("Uitleg voor de gebruiker"), "instance": str("Het pad van het verzoek")}},
				"Gezondheid": obj{"type": "object", "required": []string{"status", "versie"}, "properties": obj{"status": str("gezond"), "versie": str("versie van de API")}},
				"Link":       linkSchema,
				"LeerlingSamenvatting": obj{"type": "object", "required": []string{"id", "relaties", "_links"},
					"description": "Naam en geboortedatum staan er alleen in als het beleid identificatiegegevens voor dit doel toestaat (per leerling beslist en vastgelegd in de auditlog).",
					"properties": obj{"id": obj{"type": "integer", "format": "int64"}, "voornaam": str("Voornaam"), "achternaam": str("Achternaam"),
						"geboortedatum": obj{"type": "string", "format": "date"}, "school": str("Huidige school"), "leerjaar": str("Leerjaar of groep"),
						"relaties": obj{"type": "array", "items": obj{"type": "string", "enum": []string{"ingeschreven", "melding", "casus", "toestemming", "gezag"}}},
						"_links":   obj{"type": "object", "properties": obj{"self": ref("Link")}}}},
				"LeerlingenPagina": obj{"type": "object", "required": []string{"_links", "_embedded", "pagina", "perPagina", "totaal", "paginas"},
					"properties": obj{
						"_links":    obj{"type": "object", "properties": obj{"self": ref("Link"), "first": ref("Link"), "last": ref("Link"), "prev": ref("Link"), "next": ref("Link")}},
						"_embedded": obj{"type": "object", "properties": obj{"leerlingen": obj{"type": "array", "items": ref("LeerlingSamenvatting")}}},
						"pagina":    obj{"type": "integer"}, "perPagina": obj{"type": "integer"}, "totaal": obj{"type": "integer"}, "paginas": obj{"type": "integer"}}},
				"Blok": obj{"type": "object", "required": []string{"categorie", "toegestaan"}, "description": "Een categorie gegevens met de beslissing waaronder ze wel of niet getoond wordt.",
					"properties": obj{"categorie": str("Categorie uit het convenant"), "toegestaan": obj{"type": "boolean"}, "grondslag": str("Grondslag (code)"),
						"grondslagTekst": str("Grondslag, leesbaar"), "artikel": str("Artikel van het convenant"), "reden": str("Waarom niet, als het niet mag")}},
				"Inschrijving": obj{"type": "object", "properties": obj{"school": str("School"), "brin": str("BRIN"), "leerlingnummer": str("Leerlingnummer"),
					"van": obj{"type": "string", "format": "date"}, "tot": obj{"type": "string", "format": "date"}, "leerjaar": str("Leerjaar of groep")}},
				"Ouder": obj{"type": "object", "properties": obj{"naam": str("Naam"), "relatie": str("Relatie tot de leerling"), "gezag": obj{"type": "boolean"},
					"email": str("E-mailadres"), "telefoon": str("Telefoonnummer")}},
				"Leerling": obj{"type": "object", "required": []string{"id", "doel", "relaties", "blokken", "_links"},
					"properties": obj{"id": obj{"type": "integer", "format": "int64"}, "doel": str("Het doel van deze inzage"),
						"relaties": obj{"type": "array", "items": obj{"type": "string"}}, "blokken": obj{"type": "array", "items": ref("Blok")},
						"voornaam": str("Voornaam (categorie identificatie)"), "achternaam": str("Achternaam (categorie identificatie)"),
						"geboortedatum":  obj{"type": "string", "format": "date"},
						"inschrijvingen": obj{"type": "array", "items": ref("Inschrijving")}, "ouders": obj{"type": "array", "items": ref("Ouder")},
						"verzuimsignalen":  obj{"type": "array", "items": ref("Verzuimsignaal"), "description": "Categorie verzuim"},
						"verzuimmeldingen": obj{"type": "array", "items": ref("Verzuimmelding"), "description": "Categorie verzuim"},
						"toestemmingen":    obj{"type": "array", "items": ref("Toestemming"), "description": "Categorie toestemming"},
						"_links":           obj{"type": "object", "properties": obj{"self": ref("Link")}}}},
				"Verzuimsignaal": obj{"type": "object", "required": []string{"soort", "van", "tot", "uren", "dagen", "bron", "prioriteit"},
					"properties": obj{"soort": str("Soort signaal, zoals 16-uur-in-4-lesweken"), "van": obj{"type": "string", "format": "date"}, "tot": obj{"type": "string", "format": "date"},
						"uren": obj{"type": "number"}, "dagen": obj{"type": "integer"}, "bron": str("Wetsartikel of bron van de regel"), "prioriteit": obj{"type": "boolean"}}},
				"Verzuimmelding": obj{"type": "object", "required": []string{"soort", "vanaf", "status"},
					"properties": obj{"soort": str("Soort verzuim"), "vanaf": obj{"type": "string", "format": "date"}, "status": str("Status bij DUO")}},
				"Toestemming": obj{"type": "object", "required": []string{"status", "doelen", "van", "ingetrokken", "kanaal"},
					"properties": obj{"status": str("gegeven of geweigerd"), "doelen": obj{"type": "array", "items": obj{"type": "string"}}, "van": obj{"type": "string", "format": "date"},
						"tot": obj{"type": "string", "format": "date"}, "ingetrokken": obj{"type": "boolean"}, "kanaal": str("schriftelijk, e-mail, digitaal formulier of mondeling")}},
				"PartijRol": obj{"type": "object", "required": []string{"partij", "rol"}, "properties": obj{"partij": str("Partij, zoals school of gemeente"), "rol": str("Rol, zoals zorgcoordinator")}},
				"Privacyvraag": obj{"type": "object", "required": []string{"actor", "handeling", "categorie", "doel"},
					"properties": obj{"actor": ref("PartijRol"), "handeling": obj{"type": "string", "enum": []string{"lezen", "vastleggen", "verstrekken"}},
						"categorie": str("Categorie persoonsgegevens"), "doel": str("Doel"), "ontvanger": ref("PartijRol"),
						"context": obj{"type": "object", "properties": obj{"duoMelding": obj{"type": "boolean"}, "toestemming": obj{"type": "boolean"},
							"casusfase": str("Fase van het casusoverleg"), "niveau": obj{"type": "string", "enum": []string{"persoon", "school"}}}}}},
				"Privacyantwoord": obj{"type": "object", "required": []string{"toegestaan", "grondslag", "grondslagTekst", "artikel", "voorwaarden", "plichten", "reden"},
					"properties": obj{"toegestaan": obj{"type": "boolean"}, "grondslag": str("Grondslag (code)"), "grondslagTekst": str("Grondslag, leesbaar"), "artikel": str("Artikel"),
						"voorwaarden": obj{"type": "array", "items": obj{"type": "string"}}, "plichten": obj{"type": "array", "items": obj{"type": "string"}}, "reden": str("Uitleg in gewone taal")}},
			},
		},
	}
}

// documentAPI adds operations (paths relative to /api/v1) and component schemas to the served
// document. A part of the server that registers API routes (for example MountCasework) must
// document them here, so that TestOpenAPIMatchesRoutes holds for the whole server.
func (s *Server) documentAPI(paths, schemas map[string]any) {
	s.docMu.Lock()
	defer s.docMu.Unlock()
	if s.docPaths == nil {
		s.docPaths, s.docSchemas = obj{}, obj{}
	}
	for k, v := range paths {
		s.docPaths[k] = v
	}
	for k, v := range schemas {
		s.docSchemas[k] = v
	}
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	doc := openAPIDocument(s.baseURL(r))
	s.docMu.Lock()
	for k, v := range s.docPaths {
		doc["paths"].(obj)[k] = v
	}
	for k, v := range s.docSchemas {
		doc["components"].(obj)["schemas"].(obj)[k] = v
	}
	s.docMu.Unlock()
	addMissingTags(doc)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// addMissingTags lists in the document's global tags every tag an operation uses (mounted parts
// document operations with their own tags).
func addMissingTags(doc obj) {
	tags, _ := doc["tags"].([]obj)
	known := map[string]bool{}
	for _, t := range tags {
		known[t["name"].(string)] = true
	}
	var extra []string
	for _, item := range doc["paths"].(obj) {
		ops, ok := item.(obj)
		if !ok {
			if m, ok2 := item.(map[string]any); ok2 {
				ops = m
			} else {
				continue
			}
		}
		for _, op := range ops {
			o, ok := op.(map[string]any)
			if !ok {
				continue
			}
			var names []string
			switch ts := o["tags"].(type) {
			case []string:
				names = ts
			case []any:
				for _, t := range ts {
					if n, ok := t.(string); ok {
						names = append(names, n)
					}
				}
			}
			for _, n := range names {
				if !known[n] {
					known[n] = true
					extra = append(extra, n)
				}
			}
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		tags = append(tags, obj{"name": n, "description": n})
	}
	doc["tags"] = tags
}
