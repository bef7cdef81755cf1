package web

// Typed view models. A page's data is either a struct that embeds View (the typed way, one
// struct per page, fields named as the template uses them) or, for the pages not converted yet,
// a map[string]any. render fills in what every page gets through the viewModel interface, so a
// handler never sets the shared parts itself.

// View is embedded in every typed page model.
type View struct {
	// Voorstel is the purpose proposed for the user's role (the purpose chooser); render sets it
	// when the handler left it empty and a user is signed in.
	Voorstel string
	// CSRF, when set, is the token of the page's forms instead of the session's (anonymous forms).
	CSRF string
}

func (v *View) view() *View { return v }

// viewModel is a page model that embeds View (by pointer receiver: pass the struct's address).
type viewModel interface{ view() *View }

// fillView sets the shared parts of a page's data, typed or map, and returns the CSRF token that
// overrides the session's, if any.
func fillView(data any, p *Principal) (csrf string, override bool) {
	switch d := data.(type) {
	case viewModel:
		v := d.view()
		if p != nil && v.Voorstel == "" {
			v.Voorstel = rolePurpose[p.Role()]
		}
		return v.CSRF, v.CSRF != ""
	case map[string]any:
		if p != nil && d != nil {
			if _, ok := d["voorstel"]; !ok {
				d["voorstel"] = rolePurpose[p.Role()]
			}
		}
		tok, ok := d["csrf"].(string)
		return tok, ok
	}
	return "", false
}
