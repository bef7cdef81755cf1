package web

import (
	"net/http"
	"sort"

	"github.com/grondslag/grondslag/internal/auth"
)

// The onderwijsconsulenten of the region as the API lists them: the ids the escalation to the
// doorbraakoverleg asks for (POST /api/v1/casussen/{id}/doorbraakoverleg, field
// onderwijsconsulent). Colleagues' names and organisations, no pupil data; paged like every list.

type consultantJSON struct {
	ID          string `json:"id"`
	Naam        string `json:"naam"`
	Organisatie string `json:"organisatie"`
}

// regionConsultants lists the region's active onderwijsconsulenten, by name.
func (c *caseHandlers) regionConsultants(r *http.Request, region int64) ([]auth.Account, error) {
	all, err := c.s.d.Accounts.Accounts(r.Context(), region)
	if err != nil {
		return nil, err
	}
	var out []auth.Account
	for _, a := range all {
		if a.Role == auth.RoleOnderwijsconsul && a.Active {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// apiConsultants is GET /api/v1/onderwijsconsulenten.
func (c *caseHandlers) apiConsultants(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	pg, err := apiPage(r)
	if err != nil {
		return err
	}
	list, err := c.regionConsultants(r, p.Actor().RegionID)
	if err != nil {
		return err
	}
	type embedded struct {
		Onderwijsconsulenten []consultantJSON `json:"onderwijsconsulenten"`
	}
	out := struct {
		pageJSON
		Embedded embedded `json:"_embedded"`
	}{pageJSON: pageOf(r, pg, len(list)), Embedded: embedded{Onderwijsconsulenten: []consultantJSON{}}}
	for _, a := range pageSlice(list, pg) {
		out.Embedded.Onderwijsconsulenten = append(out.Embedded.Onderwijsconsulenten, consultantJSON{ID: c.s.pid(kindUser, a.ID), Naam: a.Name, Organisatie: a.OrgName})
	}
	return writeJSON(w, http.StatusOK, out)
}

// documentConsultants adds GET /onderwijsconsulenten to the served OpenAPI document.
func (s *Server) documentConsultants() {
	op := obj{"operationId": "onderwijsconsulentenLijst", "x-scope": "casussen:lezen", "tags": []string{"Casussen"},
		"summary":     "Onderwijsconsulenten van de regio",
		"description": "De actieve onderwijsconsulenten van uw regio, op naam, met het id dat het opschalen naar het doorbraakoverleg vraagt (veld onderwijsconsulent). Geen leerlinggegevens. Scope casussen:lezen.",
		"security":    []obj{{"bearer": []string{}}, {"sessie": []string{}}},
		"parameters":  pageParamsDoc,
		"responses":   merge(obj{"200": okJSON("Een pagina onderwijsconsulenten", "Onderwijsconsulenten")}, errorResponses())}
	schemas := obj{
		"Onderwijsconsulent": object("", []string{"id", "naam", "organisatie"}, obj{"id": pidS("Id van de onderwijsconsulent (gebruiker)"),
			"naam": str("Naam"), "organisatie": str("Organisatie")}),
		"Onderwijsconsulenten": pageSchema("Een pagina onderwijsconsulenten", "onderwijsconsulenten", ref("Onderwijsconsulent"), nil),
	}
	s.documentAPI(obj{"/onderwijsconsulenten": obj{"get": op}}, schemas)
}
