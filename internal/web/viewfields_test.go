package web

import (
	"html/template"
	"reflect"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
)

// typedTemplates names the page model of each template whose pages are typed. A template reads
// its data as .Data.Field; TestTypedTemplatesReadRealFields checks every such field exists, so
// a misspelt field fails here and not only when a page takes that branch at run time.
var typedTemplates = map[string]any{
	"verzuim_duo_status":      duoStatusPage{},
	"inloggen":                loginPage{},
	"mfa":                     mfaPage{},
	"mfa_instellen":           mfaPage{},
	"herstelcodes":            recoveryCodesPage{},
	"fout":                    errorPage{},
	"account_instellen":       setupPage{},
	"ouder_inloggen":          codeLoginPage{},
	"ouder_code":              codeLoginPage{},
	"leerling_inloggen":       codeLoginPage{},
	"leerling_code":           codeLoginPage{},
	"accounts":                accountsPage{},
	"api_clients":             clientsPage{},
	"beheer_account_nieuw":    accountNewPage{},
	"beheer_instellink":       setupLinkPage{},
	"toestemming_leerling":    consentPupilPage{},
	"toestemming_ouder":       consentParentPage{},
	"toestemming_verlopend":   expiringPage{},
	"inzage_fg":               rightsBoardPage{},
	"inzage_ouder":            rightsParentPage{},
	"inzage_school":           rightsSchoolPage{},
	"casus_plan":              planPage{},
	"casus_nieuw":             caseNewPage{},
	"verzuim_registraties":    uploadPage{},
	"verzuim_signalen":        signalsPage{},
	"verzuim_vrijstellingen":  exemptionsPage{},
	"verzuim_vrijstelling":    exemptionPage{},
	"verzuim_dossiers":        dossiersPage{},
	"verzuim_dossier":         dossierPage{},
	"postvak":                 mailboxPage{},
	"start_leerling":          pupilHomePage{},
	"briefsjablonen":          letterTemplatesPage{},
	"briefsjabloon":           letterTemplatePage{},
	"mag_ik":                  sharePage{},
	"bewaartermijnen":         retentionOverview{},
	"bewaartermijnen_lijst":   retentionListView{},
	"bewaartermijnen_rapport": retentionReport{},
	"audit":                   auditPage{},
	"monitor":                 monitorPage{},
	"start":                   homePage{},
	"start_ouder":             parentHomePage{},
	"start_beheerder":         adminHomePage{},
	"start_fg":                adminHomePage{},
	"leerlingen":              pupilsPage{},
	"leerling":                pupilPageView{},
}

func TestTypedTemplatesReadRealFields(t *testing.T) {
	tmpl, err := parseTemplates(templateFS)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(typedTemplates))
	for n := range typedTemplates {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		tt := tmpl.Lookup(name + ".html")
		if tt == nil {
			t.Errorf("%s.html: no such template", name)
			continue
		}
		if missing := missingDataFields(tt, reflect.TypeOf(typedTemplates[name])); len(missing) > 0 {
			t.Errorf("%s.html reads .Data.%s, which %T does not have", name, strings.Join(missing, ", .Data."), typedTemplates[name])
		}
	}
}

// TestDataFieldCheckFinds proves the check above can fail: a misspelt field, at the top, in an if,
// through $ inside a range, and in a variable's declaration, is reported; a field read inside
// range (where the dot is the element) is not.
func TestDataFieldCheckFinds(t *testing.T) {
	src := `{{$x := .Data.Een}}{{.Data.Twee}}{{if .Data.Drie}}{{.Data.Vier.Deep}}{{end}}{{range .Data.Lijst}}{{.Data.Element}}{{$.Data.Vijf}}{{end}}{{with .Data.Lijst}}{{else}}{{.Data.Zes}}{{end}}`
	tt := template.Must(template.New("x").Parse(src))
	type model struct {
		View
		Lijst []struct{ Data struct{ Element int } }
		Twee  int
	}
	got := missingDataFields(tt, reflect.TypeOf(model{}))
	want := []string{"Drie", "Een", "Vier", "Vijf", "Zes"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("missing fields %v, want %v", got, want)
	}
}

// missingDataFields lists the fields of .Data (and $.Data) that tt reads and model lacks.
func missingDataFields(tt *template.Template, model reflect.Type) []string {
	seen := map[string]bool{}
	var walk func(n parse.Node, dotIsPage bool)
	field := func(f string) {
		if _, ok := model.FieldByName(f); ok {
			return
		}
		if _, ok := reflect.PointerTo(model).MethodByName(f); ok {
			return
		}
		seen[f] = true
	}
	walkPipe := func(p *parse.PipeNode, dotIsPage bool) {
		if p == nil {
			return
		}
		for _, c := range p.Cmds {
			for _, a := range c.Args {
				walk(a, dotIsPage)
			}
		}
	}
	walk = func(n parse.Node, dotIsPage bool) {
		switch x := n.(type) {
		case *parse.ListNode:
			if x == nil {
				return
			}
			for _, c := range x.Nodes {
				walk(c, dotIsPage)
			}
		case *parse.ActionNode:
			walkPipe(x.Pipe, dotIsPage)
		case *parse.TemplateNode:
			walkPipe(x.Pipe, dotIsPage)
		case *parse.PipeNode:
			walkPipe(x, dotIsPage)
		case *parse.IfNode:
			walkPipe(x.Pipe, dotIsPage)
			walk(x.List, dotIsPage)
			walk(x.ElseList, dotIsPage)
		case *parse.RangeNode:
			walkPipe(x.Pipe, dotIsPage)
			walk(x.List, false)
			walk(x.ElseList, dotIsPage)
		case *parse.WithNode:
			walkPipe(x.Pipe, dotIsPage)
			walk(x.List, false)
			walk(x.ElseList, dotIsPage)
		case *parse.FieldNode:
			if dotIsPage && len(x.Ident) > 1 && x.Ident[0] == "Data" {
				field(x.Ident[1])
			}
		case *parse.VariableNode:
			if len(x.Ident) > 2 && x.Ident[0] == "$" && x.Ident[1] == "Data" {
				field(x.Ident[2])
			}
		case *parse.ChainNode:
			walk(x.Node, dotIsPage)
		}
	}
	walk(tt.Tree.Root, true)
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}
