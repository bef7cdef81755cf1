package web

import (
	"strings"
)

// casusOps documents the casework API (paths relative to /api/v1): method, path, summary,
// success status, whether If-Match is required, and whether the call writes.
var casusOps = []struct {
	method, path, id, summary string
	status                    int
	ifMatch, write            bool
}{
	{"get", "/casussen", "casussenLijst", "Casussen waaraan u deelneemt (het SWV ook de opgeschaalde)", 200, false, false},
	{"get", "/casussen/{id}", "casusOphalen", "Eén casus zoals uw rol hem mag zien; ETag casus-<id>-v<n>", 200, false, false},
	{"get", "/casussen/{id}/plan-van-aanpak", "planVanAanpak", "Het plan van aanpak: de afspraken die u mag zien, te laat, signalen om op te schalen", 200, false, false},
	{"put", "/casussen/{id}/verslagen/{vid}", "verslagWijzigen", "Verslag wijzigen (If-Match: ETag van het verslag)", 200, true, true},
	{"post", "/casussen/{id}/afspraken", "afspraakMaken", "Afspraak vastleggen; 201 met ETag afspraak-<id>-v1", 201, false, true},
	{"patch", "/casussen/{id}/afspraken/{aid}", "afspraakWijzigen", "Afspraak wijzigen; alleen status = voortgang melden (If-Match: ETag van de afspraak)", 200, true, true},
	{"post", "/casussen/{id}/inbreng", "inbrengen", "Informatie inbrengen in de huidige fase", 201, false, true},
	{"post", "/casussen/{id}/informatievragen", "informatievraagStellen", "Informatievraag aan een deelnemer; zonder toestemming meteen het buitenkantantwoord", 201, false, true},
	{"post", "/casussen/{id}/informatievragen/{qid}/antwoord", "informatievraagBeantwoorden", "Inhoudelijk antwoord, alleen als fase en toestemming dat toestaan", 200, false, true},
	{"post", "/casussen/{id}/fase", "faseWijzigen", "Naar een toegestane fase (If-Match: ETag van de casus)", 200, true, true},
	{"post", "/casussen/{id}/uitnodigingen", "gezinUitnodigen", "Ouders met gezag en de leerling vanaf 12 uitnodigen (If-Match)", 200, true, true},
	{"post", "/casussen/{id}/uitnodiging-antwoord", "uitnodigingBeantwoorden", "Aanvaarding of weigering vastleggen (If-Match)", 200, true, true},
	{"post", "/casussen/{id}/regie-overdracht", "regieOverdragen", "Regie overdragen met toelichting (If-Match)", 200, true, true},
	{"post", "/casussen/{id}/doorbraakoverleg", "opschalen", "Opschalen naar het doorbraakoverleg (If-Match)", 200, true, true},
	{"post", "/casussen/{id}/doorbraakoverleg/besluit", "doorbraakBesluit", "Besluit van het doorbraakoverleg (If-Match)", 200, true, true},
	{"post", "/casussen/{id}/afsluiting", "casusAfsluiten", "Casus afsluiten met resultaat (If-Match)", 200, true, true},
}

// documentCasework adds the casework operations to the served OpenAPI document.
func (s *Server) documentCasework() {
	paths := obj{}
	for _, o := range casusOps {
		var params []obj
		for _, name := range []string{"id", "vid", "aid", "qid"} {
			if strings.Contains(o.path, "{"+name+"}") {
				params = append(params, obj{"name": name, "in": "path", "required": true, "schema": obj{"type": "integer", "format": "int64"}})
			}
		}
		codes := []int{401, 403, 404, 500}
		if o.write {
			codes = append(codes, 400, 415)
		}
		resp := merge(obj{itoaCode(o.status): okJSON("Gelukt", "CasusAntwoord")}, errorResponses(codes...))
		resp["409"] = problemResp("Casus afgesloten of faseovergang niet toegestaan")
		if o.ifMatch {
			params = append(params, obj{"name": "If-Match", "in": "header", "required": true, "description": "De ETag die u las", "schema": obj{"type": "string"}})
			resp["412"] = problemResp("Tussentijds gewijzigd; de header ETag noemt de huidige versie")
			resp["428"] = problemResp("If-Match ontbreekt")
		}
		security := []obj{{"bearer": []string{}}, {"sessie": []string{}}}
		desc := o.summary + ". Lezen met scope leerlingen:lezen; schrijven met een token met scope casussen:vastleggen."
		op := obj{"operationId": o.id, "tags": []string{"Casussen"}, "summary": o.summary, "description": desc, "security": security, "responses": resp}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if o.write {
			op["security"] = []obj{{"bearer": []string{}}}
			op["requestBody"] = obj{"required": o.method != "post" || !strings.HasSuffix(o.path, "/uitnodigingen"),
				"content": obj{"application/json": obj{"schema": obj{"type": "object", "description": "Velden in het Nederlands; zie docs/casework.md."}}}}
		}
		p, ok := paths[o.path].(obj)
		if !ok {
			p = obj{}
			paths[o.path] = p
		}
		p[o.method] = op
	}
	s.documentAPI(paths, obj{"CasusAntwoord": obj{"type": "object", "description": "Casus, afspraak, inbreng of informatievraag zoals uw rol die mag zien; zie docs/casework.md."}})
}

func itoaCode(n int) string { return itoa(int64(n)) }
