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

// PurposeChoice is what the purpose chooser (the doelkeuze partial) needs: embed it in a page
// model that shows the chooser. The proposed purpose comes from View.
type PurposeChoice struct {
	Doel   string // the purpose chosen in the session ("" when none)
	Doelen []Code // the purposes the user's role may work for
	Terug  string // where /doel returns to
}

func (c *PurposeChoice) purposeChoice() *PurposeChoice { return c }

// purposeChooser is the input of the doelkeuze partial, made by the template function doelkeuze
// from the page's data: a typed model embedding View and PurposeChoice, or (pages not yet typed)
// a map with the keys doel, doelen, terug and voorstel.
type purposeChooser struct {
	PurposeChoice
	Voorstel string
}

func purposeChooserOf(data any) purposeChooser {
	var c purposeChooser
	switch d := data.(type) {
	case interface {
		viewModel
		purposeChoice() *PurposeChoice
	}:
		c.PurposeChoice, c.Voorstel = *d.purposeChoice(), d.view().Voorstel
	case map[string]any:
		c.Doel, _ = d["doel"].(string)
		c.Doelen, _ = d["doelen"].([]Code)
		c.Terug, _ = d["terug"].(string)
		c.Voorstel, _ = d["voorstel"].(string)
	}
	return c
}
