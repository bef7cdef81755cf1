package web

import (
	"net/http"
	"strconv"
	"strings"
)

// The parent's trail in plain words: one sentence per entry (who, from which organisation, did
// what with which data, why, on which ground), newest first, 20 per page, each with a link to
// download that entry with its proof (parent_proof.go, docs/audit.md §13).

const trailPageSize = 20

// trailLine is one entry of the trail as a parent reads it.
type trailLine struct {
	Index    uint64
	When     string
	Sentence string
	Ground   string
	Denied   bool
}

// trailView is one page of the trail.
type trailView struct {
	Lines      []trailLine
	Page       int
	Pages      int
	Prev, Next int
}

var trailVerbs = map[string]string{"lezen": "bekeek", "delen": "gaf door", "ontvangen": "ontving", "aanmaken": "legde vast", "wijzigen": "wijzigde",
	"verwijderen": "verwijderde", "exporteren": "exporteerde", "importeren": "las in", "vernietigen": "vernietigde"}

var trailGrounds = map[string]string{
	"avg-6-1-a": "met toestemming (AVG artikel 6 lid 1 sub a)",
	"avg-6-1-b": "voor een overeenkomst (AVG artikel 6 lid 1 sub b)",
	"avg-6-1-c": "omdat de wet het verplicht (AVG artikel 6 lid 1 sub c)",
	"avg-6-1-d": "om een vitaal belang te beschermen (AVG artikel 6 lid 1 sub d)",
	"avg-6-1-e": "voor een taak die de wet geeft (AVG artikel 6 lid 1 sub e)",
	"avg-6-1-f": "voor een gerechtvaardigd belang (AVG artikel 6 lid 1 sub f)",
	"avg-15":    "op grond van het recht op inzage (AVG artikel 15)",
}

// trailPage turns the trail (newest first) into the page the request asks for (?spoor=N).
func (s *Server) trailPage(r *http.Request, items []TrailItem) trailView {
	v := trailView{Page: 1, Pages: (len(items) + trailPageSize - 1) / trailPageSize}
	if n, err := strconv.Atoi(r.URL.Query().Get("spoor")); err == nil && n > 1 && n <= v.Pages {
		v.Page = n
	}
	from := (v.Page - 1) * trailPageSize
	to := min(from+trailPageSize, len(items))
	for _, it := range items[from:to] {
		v.Lines = append(v.Lines, s.trailLine(it))
	}
	if v.Page > 1 {
		v.Prev = v.Page - 1
	}
	if v.Page < v.Pages {
		v.Next = v.Page + 1
	}
	return v
}

func (s *Server) trailLine(it TrailItem) trailLine {
	who := RoleName(it.Role)
	if it.Organisation != "" {
		who = "Een " + strings.ToLower(who) + " van " + it.Organisation
	} else if who != "" {
		who = "Een " + strings.ToLower(who)
	} else {
		who = "Het systeem"
	}
	var cats []string
	for _, c := range it.Categories {
		cats = append(cats, strings.ToLower(Label(s.d.Vocab.Categories, c)))
	}
	data := "gegevens"
	if len(cats) > 0 {
		data = joinDutch(cats)
	}
	verb := trailVerbs[it.Action]
	if verb == "" {
		verb = it.Action
	}
	purpose := strings.ToLower(Label(s.d.Vocab.Purposes, it.Purpose))
	l := trailLine{Index: it.Index, When: it.Time.In(s.cfg.Location).Format("02-01-2006 15:04")}
	if it.Outcome == "geweigerd" {
		l.Denied = true
		l.Sentence = who + " vroeg " + data + " op voor " + purpose + ". Dat mocht niet; er is niets getoond of gedeeld."
		return l
	}
	l.Sentence = who + " " + verb + " " + data + " voor " + purpose + "."
	l.Ground = trailGrounds[it.Ground]
	if l.Ground == "" && it.Ground != "" {
		l.Ground = "op grond van " + it.Ground
	}
	return l
}
