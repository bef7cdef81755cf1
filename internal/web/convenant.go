package web

import (
	"github.com/grondslag/grondslag/internal/convenant"
)

// VocabularyOf lists the convenant's codes with their names for the forms.
func VocabularyOf(c *convenant.Compiled) Vocabulary {
	var v Vocabulary
	for _, p := range c.Parties() {
		v.Parties = append(v.Parties, Code{Code: p.Code, Label: p.Name})
		for _, r := range p.Roles {
			v.Roles = append(v.Roles, Code{Code: r.Code, Label: r.Name + " (" + p.Name + ")", Party: p.Code})
		}
	}
	for _, p := range c.Purposes() {
		v.Purposes = append(v.Purposes, Code{Code: p.Code, Label: p.Name})
	}
	for _, k := range c.Categories() {
		v.Categories = append(v.Categories, Code{Code: k.Code, Label: k.Name})
	}
	for _, ph := range c.Phases() {
		v.Phases = append(v.Phases, Code{Code: ph.Code, Label: ph.Name})
	}
	return v
}
