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

// ---- schema helpers. Every string has a maximum length (or an enum), every array a maximum
// number of items, every integer a format and bounds (OWASP API4:2023); objects list their
// properties and allow no others, so the validator in the tests catches a field that is not
// documented.

func str(desc string) obj { return obj{"type": "string", "maxLength": 200, "description": desc} }

func text(desc string, max int) obj {
	return obj{"type": "string", "maxLength": max, "description": desc}
}

func enum(desc string, values ...string) obj {
	return obj{"type": "string", "enum": values, "description": desc}
}

func pattern(desc, re string, max int) obj {
	return obj{"type": "string", "pattern": re, "maxLength": max, "description": desc}
}

func dateS(desc string) obj {
	return obj{"type": "string", "format": "date", "maxLength": 10, "description": desc}
}

func dateTimeS(desc string) obj {
	return obj{"type": "string", "format": "date-time", "maxLength": 40, "description": desc}
}

func emailS(desc string) obj {
	return obj{"type": "string", "format": "email", "maxLength": 254, "description": desc}
}

func hrefS(desc string) obj {
	return obj{"type": "string", "format": "uri-reference", "maxLength": 500, "description": desc}
}

func intS(desc string, min, max int64) obj {
	f := "int32"
	if max > 1<<31-1 || min < -1<<31 {
		f = "int64"
	}
	return obj{"type": "integer", "format": f, "minimum": min, "maximum": max, "description": desc}
}

// pidS is a public id (publicid.go): not a row number, cannot be enumerated.
func pidS(desc string) obj { return pattern(desc, publicIDPattern, 22) }

// refS is a participant reference: gebruiker:… or ouder:… with a public id, or leerling.
func refS(desc string) obj { return pattern(desc, participantRefPattern, 32) }

func numS(desc string, min, max float64) obj {
	return obj{"type": "number", "format": "double", "minimum": min, "maximum": max, "description": desc}
}

func boolS(desc string) obj { return obj{"type": "boolean", "description": desc} }

func arr(items obj, max int) obj { return obj{"type": "array", "items": items, "maxItems": max} }

// object is a closed object: the properties listed, required as named, no others.
func object(desc string, required []string, props obj) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if desc != "" {
		o["description"] = desc
	}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// mapOf is an object whose keys are free (up to max of them) and whose values follow values.
func mapOf(desc string, values obj, max int) obj {
	return obj{"type": "object", "description": desc, "additionalProperties": values, "maxProperties": max}
}

// codeS is a code from the convenant (party, role, purpose, category, phase): kebab-case.
func codeS(desc string) obj { return pattern(desc, `^[a-z0-9][a-z0-9:._-]*$`, 80) }

// ---- responses

// responseHeaders are the headers of every API response: the version (Dutch API Design Rules),
// the rate limit (draft-ietf-httpapi-ratelimit-headers) and CORS.
func responseHeaders(status int) obj {
	h := obj{
		"API-Version":                 obj{"$ref": "#/components/headers/API-Version"},
		"RateLimit":                   obj{"$ref": "#/components/headers/RateLimit"},
		"RateLimit-Policy":            obj{"$ref": "#/components/headers/RateLimit-Policy"},
		"Access-Control-Allow-Origin": obj{"$ref": "#/components/headers/Access-Control-Allow-Origin"},
	}
	if status == 429 || status == 503 {
		h["Retry-After"] = obj{"$ref": "#/components/headers/Retry-After"}
	}
	return h
}

func okJSON(desc, schema string) obj { return okWith(desc, ref(schema)) }

func okWith(desc string, schema obj) obj {
	return obj{"description": desc, "headers": responseHeaders(200), "content": obj{"application/json": obj{"schema": schema}}}
}

func problemResp(desc string) obj { return problemFor(0, desc) }

func problemFor(status int, desc string) obj {
	return obj{"description": desc, "headers": responseHeaders(status), "content": obj{"application/problem+json": obj{"schema": ref("Problem")}}}
}

// errorTexts describes the error statuses; every operation declares at least
// standardErrors.
var errorTexts = map[int]string{400: "Ongeldige invoer; invalidParams noemt het veld", 401: "Niet ingelogd of ongeldig token", 403: "Geen toegang voor deze rol, scope of dit doel",
	404: "Niet gevonden, of geen relatie met deze leerling", 409: "Conflict met de huidige stand", 412: "Tussentijds gewijzigd; de header ETag noemt de huidige versie",
	413: "De body is te groot", 415: "Verkeerd formaat van de body", 422: "Het verzoek is begrepen maar kan niet worden uitgevoerd", 428: "If-Match ontbreekt",
	429: "Te veel verzoeken; Retry-After zegt na hoeveel seconden het weer kan", 500: "Fout aan de kant van de server", 503: "De server is niet gereed"}

var standardErrors = []int{400, 401, 403, 404, 429, 500}

// errorResponses declares the standard errors and codes.
func errorResponses(codes ...int) obj {
	out := obj{}
	for _, c := range append(append([]int(nil), standardErrors...), codes...) {
		out[itoa(int64(c))] = problemFor(c, errorTexts[c])
	}
	return out
}

// bodyErrors are the errors of an operation with a request body.
var bodyErrors = []int{413, 415}

func merge(a, b obj) obj {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func queryParam(name, desc string, required bool, schema obj) obj {
	return obj{"name": name, "in": "query", "required": required, "description": desc, "schema": schema}
}

func pathParam(name, desc string) obj {
	return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": pidS(desc)}
}

var doelParam = queryParam("doel", "Het doel uit het convenant waarvoor u de gegevens nodig heeft, zoals signalering of handhaving-leerplicht.", true, codeS("Doel uit het convenant"))

// pageParams are the paging parameters of every list (pagina, perPagina).
var pageParamsDoc = []obj{
	queryParam("pagina", "Paginanummer, vanaf 1.", false, obj{"type": "integer", "format": "int32", "minimum": 1, "maximum": 100000, "default": 1}),
	queryParam("perPagina", "Aantal per pagina (1 tot en met 100).", false, obj{"type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20}),
}

// pageLinksSchema is the HAL _links of a page.
func pageLinksSchema() obj {
	return object("Links naar deze, de eerste, de laatste, de vorige en de volgende pagina", []string{"self", "first", "last"},
		obj{"self": ref("Link"), "first": ref("Link"), "last": ref("Link"), "prev": ref("Link"), "next": ref("Link")})
}

// pageSchema is a page of a list: HAL _links and _embedded, and the paging numbers.
func pageSchema(desc, embedded string, items obj, extra obj) obj {
	props := obj{
		"_links":    pageLinksSchema(),
		"_embedded": object("", []string{embedded}, obj{embedded: arr(items, 100)}),
		"pagina":    intS("Dit paginanummer", 1, 100000), "perPagina": intS("Aantal per pagina", 1, 100),
		"totaal": intS("Aantal in totaal", 0, 1<<31-1), "paginas": intS("Aantal pagina's", 0, 1<<31-1),
	}
	req := []string{"_links", "_embedded", "pagina", "perPagina", "totaal", "paginas"}
	for k, v := range extra {
		props[k] = v
		req = append(req, k)
	}
	return object(desc, req, props)
}

func selfLinks() obj { return object("", []string{"self"}, obj{"self": ref("Link")}) }

func openAPIDocument(serverURL string) obj { return openAPIDocumentFor(serverURL, "productie") }

// openAPIDocumentFor is the document for a server in environment env (productie or test).
func openAPIDocumentFor(serverURL, env string) obj {
	secured := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "Grondslag API",
			"version":     APIVersion,
			"description": "API van Grondslag: samenwerken rond leerlingen die school missen, binnen het privacyconvenant van de regio. Elke leesactie vraagt het doel (doel), gaat langs het beleid van het convenant en wordt vastgelegd in het auditlog. Elke client heeft een limiet op het aantal verzoeken per minuut (headers RateLimit en RateLimit-Policy; daarboven 429 met Retry-After).",
			"contact":     obj{"name": "Grondslag", "email": "beheer@grondslag.example", "url": "https://grondslag.example/contact"},
			"license":     obj{"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
		},
		"servers": []obj{{"url": serverURL + "/api/v1", "description": "Deze server (omgeving: " + env + ")", "x-internal": false}},
		"tags": []obj{
			{"name": "Systeem", "description": "Gezondheid en beschrijving van de API"},
			{"name": "Leerlingen", "description": "Leerlingen waarmee u een relatie heeft die het convenant erkent"},
			{"name": "Privacy", "description": "De privacyvraag: mag ik dit delen?"},
		},
		"paths": obj{
			"/gezondheid": obj{"get": obj{
				"operationId": "gezondheid", "tags": []string{"Systeem"}, "summary": "Gezondheid van de server",
				"description": "Geeft aan of de server werkt. Vraagt geen inlog.", "security": []obj{},
				"responses": merge(obj{"200": okJSON("De server werkt", "Gezondheid")}, errorResponses(503)),
			}},
			"/openapi.json": obj{"get": obj{
				"operationId": "openapi", "tags": []string{"Systeem"}, "summary": "Dit OpenAPI-document",
				"description": "Het OpenAPI 3-document van deze API.", "security": []obj{},
				"responses": merge(obj{"200": obj{"description": "Het document", "headers": responseHeaders(200),
					"content": obj{"application/json": obj{"schema": obj{"type": "object", "description": "OpenAPI 3.0", "maxProperties": 20}}}}}, errorResponses()),
			}},
			"/leerlingen": obj{"get": obj{
				"operationId": "leerlingenLijst", "x-scope": "leerlingen:lezen", "tags": []string{"Leerlingen"}, "summary": "Leerlingen met een erkende relatie",
				"description": "Lijst van de leerlingen waarmee u een relatie heeft die het convenant erkent (ingeschreven op uw school, een melding in uw gemeente, een casus, een toestemming). Namen alleen waar het beleid dat voor het doel toestaat. Scope leerlingen:lezen.",
				"security":    secured,
				"parameters":  append([]obj{doelParam}, pageParamsDoc...),
				"responses":   merge(obj{"200": okJSON("Een pagina leerlingen", "LeerlingenPagina")}, errorResponses()),
			}},
			"/leerlingen/{id}": obj{"get": obj{
				"operationId": "leerlingOphalen", "x-scope": "leerlingen:lezen", "tags": []string{"Leerlingen"}, "summary": "Eén leerling",
				"description": "De gegevens van één leerling, per categorie alleen als het beleid dat voor uw doel toestaat; elk blok noemt de grondslag en het artikel. Zonder erkende relatie: 404. Scope leerlingen:lezen.",
				"security":    secured,
				"parameters":  []obj{pathParam("id", "Id van de leerling"), doelParam},
				"responses":   merge(obj{"200": okJSON("De leerling", "Leerling")}, errorResponses()),
			}},
			"/mag-ik-dit-delen": obj{"post": obj{
				"operationId": "magIkDitDelen", "x-scope": "mag-ik-dit-delen", "tags": []string{"Privacy"}, "summary": "Mag ik dit delen?",
				"description": "Beantwoordt de privacyvraag met hetzelfde beleid dat elke toegang bewaakt: toegestaan of niet, de grondslag, het artikel van het convenant, de voorwaarden, de plichten en wat er ontbreekt. Scope mag-ik-dit-delen.",
				"security":    []obj{{"bearer": []string{}}},
				"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref("Privacyvraag")}}},
				"responses":   merge(obj{"200": okJSON("Het antwoord", "Privacyantwoord")}, errorResponses(bodyErrors...)),
			}},
		},
		"components": obj{
			"headers": obj{
				"API-Version": obj{"description": "De volledige versie van de API", "schema": pattern("Versie", `^\d+\.\d+\.\d+$`, 20)},
				"RateLimit": obj{"description": "Wat er van de limiet over is (draft-ietf-httpapi-ratelimit-headers): r = resterende verzoeken, t = seconden tot de limiet weer vol is",
					"schema": pattern("Limiet", `^"[a-z]+";r=\d+;t=\d+$`, 60)},
				"RateLimit-Policy": obj{"description": "De limiet van deze client: q verzoeken per w seconden",
					"schema": pattern("Beleid", `^"[a-z]+";q=\d+;w=\d+$`, 60)},
				"Access-Control-Allow-Origin": obj{"description": "Alleen aanwezig voor een origin die de beheerder heeft toegestaan (GRONDSLAG_CORS_ORIGINS); zonder instelling mogen webpagina's van andere sites deze API niet aanroepen",
					"schema": pattern("Origin", `^https?://[^/\s]+$`, 200)},
				"Retry-After": obj{"description": "Seconden tot u het opnieuw kunt proberen", "schema": intS("Seconden", 1, 3600)},
			},
			"securitySchemes": obj{
				"bearer": obj{"type": "http", "scheme": "bearer", "description": "Token van een API-client van uw organisatie (begint met gsl_), met scopes."},
				"sessie": obj{"type": "apiKey", "in": "cookie", "name": "gs_sessie", "description": "Sessiecookie van een ingelogde gebruiker (alleen voor lezen). Achter TLS heet het cookie __Host-gs_sessie."},
			},
			"schemas": obj{
				// The Dutch API Design Rules' linter allows only the five members of RFC 9457 as
				// properties; the extension member invalidParams (RFC 9457 §3.2 allows extensions)
				// is therefore described in the text, and the object is left open for it.
				"Problem": obj{"type": "object", "description": "Foutbericht volgens RFC 9457. Bij ongeldige invoer staat in de extensie invalidParams een lijst van {name, reason}: welk veld fout is en waarom.",
					"required": []string{"status", "title", "detail"},
					"properties": obj{"type": hrefS("URI van het soort fout"), "title": str("Korte omschrijving"), "status": intS("HTTP-status", 400, 599),
						"detail": text("Uitleg voor de gebruiker", 2000), "instance": hrefS("Het pad van het verzoek")}},
				"Gezondheid": object("", []string{"status", "versie"}, obj{"status": enum("Stand", "gezond"), "versie": pattern("Versie van de API", `^\d+\.\d+\.\d+$`, 20)}),
				"Link":       object("", []string{"href"}, obj{"href": hrefS("URI")}),
				"LeerlingSamenvatting": object("Naam en geboortedatum staan er alleen in als het beleid identificatiegegevens voor dit doel toestaat (per leerling beslist en vastgelegd in het auditlog).",
					[]string{"id", "relaties", "_links"},
					obj{"id": pidS("Id van de leerling"), "voornaam": str("Voornaam"), "achternaam": str("Achternaam"),
						"geboortedatum": dateS("Geboortedatum"), "school": str("Huidige school"), "leerjaar": str("Leerjaar of groep"),
						"relaties": arr(enum("Relatie", "ingeschreven", "melding", "casus", "toestemming", "gezag"), 10),
						"_links":   selfLinks()}),
				"LeerlingenPagina": pageSchema("Een pagina leerlingen", "leerlingen", ref("LeerlingSamenvatting"), nil),
				"Blok": object("Een categorie gegevens met de beslissing waaronder ze wel of niet getoond wordt.", []string{"categorie", "toegestaan"},
					obj{"categorie": codeS("Categorie uit het convenant"), "toegestaan": boolS("Of het beleid deze categorie voor dit doel toestaat"), "grondslag": str("Grondslag (code)"),
						"grondslagTekst": text("Grondslag, leesbaar", 1000), "artikel": str("Artikel van het convenant"), "reden": text("Waarom niet, als het niet mag", 2000)}),
				"Inschrijving": object("", nil, obj{"school": str("School"), "brin": pattern("BRIN", `^[0-9]{2}[A-Z]{2}$`, 4), "leerlingnummer": str("Leerlingnummer"),
					"van": dateS("Ingeschreven vanaf"), "tot": dateS("Ingeschreven tot"), "leerjaar": str("Leerjaar of groep")}),
				"Ouder": object("", nil, obj{"naam": str("Naam"), "relatie": str("Relatie tot de leerling"), "gezag": boolS("Heeft gezag"),
					"email": emailS("E-mailadres"), "telefoon": pattern("Telefoonnummer", `^[0-9 +()-]*$`, 30)}),
				"Leerling": object("", []string{"id", "doel", "relaties", "blokken", "_links"},
					obj{"id": pidS("Id van de leerling"), "doel": codeS("Het doel van deze inzage"),
						"relaties": arr(enum("Relatie", "ingeschreven", "melding", "casus", "toestemming", "gezag"), 10), "blokken": arr(ref("Blok"), 50),
						"voornaam": str("Voornaam (categorie identificatie)"), "achternaam": str("Achternaam (categorie identificatie)"),
						"geboortedatum":  dateS("Geboortedatum (categorie identificatie)"),
						"inschrijvingen": arr(ref("Inschrijving"), 100), "ouders": arr(ref("Ouder"), 20),
						"verzuimsignalen":  merge(arr(ref("DossierVerzuimsignaal"), 1000), obj{"description": "Categorie verzuim"}),
						"verzuimmeldingen": merge(arr(ref("DossierVerzuimmelding"), 1000), obj{"description": "Categorie verzuim"}),
						"toestemmingen":    merge(arr(ref("DossierToestemming"), 1000), obj{"description": "Categorie toestemming"}),
						"_links":           selfLinks()}),
				"DossierVerzuimsignaal": object("", []string{"soort", "van", "tot", "uren", "dagen", "bron", "prioriteit"},
					obj{"soort": codeS("Soort signaal, zoals 16-uur-in-4-lesweken"), "van": dateS("Van"), "tot": dateS("Tot en met"),
						"uren": numS("Verzuimde uren", 0, 100000), "dagen": intS("Verzuimde dagen", 0, 100000), "bron": str("Wetsartikel of bron van de regel"), "prioriteit": boolS("Voorrang")}),
				"DossierVerzuimmelding": object("", []string{"soort", "vanaf", "status"},
					obj{"soort": codeS("Soort verzuim"), "vanaf": dateS("Vanaf"), "status": codeS("Status bij DUO")}),
				"DossierToestemming": object("", []string{"status", "doelen", "van", "ingetrokken", "kanaal"},
					obj{"status": enum("gegeven of geweigerd", "gegeven", "geweigerd"), "doelen": arr(codeS("Doel"), 50), "van": dateS("Geldig van"),
						"tot": dateS("Geldig tot"), "ingetrokken": boolS("Ingetrokken"), "kanaal": codeS("schriftelijk, e-mail, digitaal formulier of mondeling")}),
				"PartijRol": object("", []string{"partij", "rol"}, obj{"partij": codeS("Partij, zoals school of gemeente"), "rol": codeS("Rol, zoals zorgcoordinator")}),
				"Privacyvraag": object("", []string{"actor", "handeling", "categorie", "doel"},
					obj{"actor": ref("PartijRol"), "handeling": enum("Handeling", "lezen", "vastleggen", "verstrekken"),
						"categorie": codeS("Categorie persoonsgegevens"), "doel": codeS("Doel"), "ontvanger": ref("PartijRol"),
						"context": object("", nil, obj{"duoMelding": boolS("Er is een DUO-melding"), "toestemming": boolS("Er is toestemming"),
							"casusfase": codeS("Fase van het casusoverleg"), "niveau": enum("Niveau", "persoon", "school"),
							"leeftijd":         intS("Leeftijd van de leerling in jaren op de peildatum; of geef geboortedatum", 1, 30),
							"geboortedatum":    dateS("Geboortedatum van de leerling; de leeftijd wordt op de peildatum geteld"),
							"peildatum":        dateS("Dag van de verwerking (standaard vandaag)"),
							"toestemmingDoor":  arr(enum("Wie toestemming gaf: ouder (één ouder met gezag), ouders (alle ouders met gezag) of leerling", "ouder", "ouders", "leerling"), 3),
							"ingeschreven":     boolS("Onwaar voor een kind dat op geen enkele school staat ingeschreven"),
							"verwijsindex":     boolS("De verstrekking volgt op een match in de Verwijsindex"),
							"tlvOfArrangement": boolS("Voor een aanvraag van een toelaatbaarheidsverklaring of een arrangement")})}),
				"Privacyantwoord": object("", []string{"toegestaan", "grondslag", "grondslagTekst", "artikel", "voorwaarden", "plichten", "reden"},
					obj{"toegestaan": boolS("Mag het"), "grondslag": str("Grondslag (code)"), "grondslagTekst": text("Grondslag, leesbaar", 1000), "artikel": str("Artikel"),
						"voorwaarden": arr(text("Voorwaarde", 1000), 50), "plichten": arr(text("Plicht", 1000), 50), "reden": text("Uitleg in gewone taal", 2000)}),
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
	base := openAPIDocument("")["components"].(obj)["schemas"].(obj)
	for k, v := range schemas {
		if _, dup := base[k]; dup {
			// Two parts with one schema name: one would silently replace the other and the
			// document would describe responses it does not give.
			panic("openapi: schema " + k + " is al gedocumenteerd")
		}
		if _, dup := s.docSchemas[k]; dup {
			panic("openapi: schema " + k + " is al gedocumenteerd door een ander deel")
		}
		s.docSchemas[k] = v
	}
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	env := "productie"
	if s.cfg.Demo {
		env = "test (demo)"
	}
	doc := openAPIDocumentFor(s.baseURL(r), env)
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
