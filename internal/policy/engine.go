package policy

import (
	"fmt"
	"math/bits"
	"os"
	"sync/atomic"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Engine decides requests against the current convenant.
type Engine struct {
	cur atomic.Pointer[table]
}

// NewEngine compiles c into an engine. It panics if c cannot be compiled into the decision
// table (more than 64 phases or roles per party); use NewEngineErr to get an error instead.
func NewEngine(c *convenant.Compiled) *Engine {
	e, err := NewEngineErr(c)
	if err != nil {
		panic(err)
	}
	return e
}

// NewEngineErr compiles c into an engine.
func NewEngineErr(c *convenant.Compiled) (*Engine, error) {
	t, err := compile(c)
	if err != nil {
		return nil, err
	}
	e := &Engine{}
	e.cur.Store(t)
	return e, nil
}

// Convenant returns the convenant the engine currently decides on.
func (e *Engine) Convenant() *convenant.Compiled { return e.cur.Load().conv }

// Reload compiles src and, only if it is valid, makes it the current convenant. Decisions in
// flight finish on the old one. On error the current convenant stays in force and the error
// (an *convenant.Error for an invalid file) says why.
func (e *Engine) Reload(src []byte, name string) error {
	c, err := convenant.Load(src, name)
	if err != nil {
		return fmt.Errorf("convenant niet geladen, het huidige blijft gelden: %w", err)
	}
	return e.Swap(c)
}

// ReloadFile reads a convenant file and reloads it (see Reload); for a SIGHUP handler or an
// admin action. The file name appears in the diagnostics.
func (e *Engine) ReloadFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("convenant niet geladen, het huidige blijft gelden: %w", err)
	}
	return e.Reload(src, path)
}

// Swap makes an already compiled convenant current.
func (e *Engine) Swap(c *convenant.Compiled) error {
	t, err := compile(c)
	if err != nil {
		return fmt.Errorf("convenant niet geladen, het huidige blijft gelden: %w", err)
	}
	e.cur.Store(t)
	return nil
}

// Decide answers one request. It does not allocate.
func (e *Engine) Decide(r Request) Decision {
	return e.cur.Load().decide(&r)
}

func (t *table) decide(r *Request) Decision {
	p, ok := t.partyIx.get(r.Actor.Party)
	if !ok {
		return t.unknown[unkActor]
	}
	ri, ok := t.roleIx[p].get(r.Actor.Role)
	if !ok {
		return t.unknown[unkActor]
	}
	ai := actionIndex(r.Action)
	if ai < 0 {
		return t.unknown[unkAction]
	}
	ci, ok := t.categoryIx.get(r.Category)
	if !ok {
		return t.unknown[unkCategory]
	}
	pi, ok := t.purposeIx.get(r.Purpose)
	if !ok {
		return t.unknown[unkPurpose]
	}
	level := levelBit(r.Context.Level)
	if level == 0 {
		return t.unknown[unkContext]
	}
	phase := uint64(0)
	if r.Context.Phase != "" {
		ph, ok := t.phaseIx.get(r.Context.Phase)
		if !ok {
			return t.unknown[unkContext]
		}
		phase = 1 << uint(ph)
	}
	recipParty, recipRole := -1, uint64(0)
	if ai == 2 {
		rp, ok := t.partyIx.get(r.Recipient.Party)
		if !ok {
			return t.noRecip
		}
		rr, ok := t.roleIx[rp].get(r.Recipient.Role)
		if !ok {
			return t.noRecip
		}
		recipParty, recipRole = rp, 1<<uint(rr)
	}
	day := dayNumber(r.Context.Day)
	c := t.cells[t.idx(t.slot[p][ri], ai, ci, pi)]
	idx := t.ruleIdx[c.off : c.off+uint32(c.nDeny)+uint32(c.nAllow)]
	for _, i := range idx[:c.nDeny] {
		ru := &t.rules[i]
		if ru.failures(r, ci, day, level, phase, recipParty, recipRole) == 0 {
			return ru.tx.allow // for a prohibition: its denial
		}
	}
	best, bestScore, bestKind := -1, 1<<30, 0
	for _, i := range idx[c.nDeny:] {
		ru := &t.rules[i]
		f := ru.failures(r, ci, day, level, phase, recipParty, recipRole)
		if f == 0 {
			d := ru.tx.allow
			if ru.needConsent {
				d.ConsentID = r.Context.ConsentID
			}
			return d
		}
		// The weight of the failed conditions (only the set bits); the first names the denial.
		score := 0
		for g := uint(f); g != 0; g &= g - 1 {
			score += failWeight[bits.TrailingZeros(g)]
		}
		if score < bestScore {
			best, bestScore, bestKind = int(i), score, bits.TrailingZeros(uint(f))
		}
	}
	if best >= 0 {
		ru := &t.rules[best]
		if bestKind == failConsent {
			return ru.tx.consentDeny[ru.bracket(r.Context.Age)]
		}
		return ru.tx.deny[bestKind]
	}
	if c.empty >= 0 {
		return t.empties[c.empty]
	}
	return t.unknown[unkActor]
}

// bracket is the consent bracket of age for this rule.
func (ru *rule) bracket(age int) int {
	switch {
	case age <= 0:
		return bracketUnknown
	case age >= ru.ownAge:
		return bracketPupil
	case ru.jointAge > 0 && age >= ru.jointAge:
		return bracketJoint
	}
	return bracketParents
}

// consentHolds reports whether the consent in the context is the consent this rule needs.
func (ru *rule) consentHolds(c *Context) bool {
	if c.ConsentBy == 0 {
		return c.Consent // the consent register checked whose consent it is
	}
	parents := c.ConsentBy&(ByParent|ByParents) != 0
	if ru.parentsAll {
		parents = c.ConsentBy&ByParents != 0
	}
	pupil := c.ConsentBy&ByPupil != 0
	switch ru.bracket(c.Age) {
	case bracketParents:
		return parents
	case bracketJoint:
		return parents && pupil
	case bracketPupil:
		return pupil
	}
	return false // who consented was stated, but without the age it cannot be checked
}

// failures returns a bit per failed condition (failRecipient … failConsent).
func (ru *rule) failures(r *Request, ci, day int, level uint8, phase uint64, recipParty int, recipRole uint64) int {
	f := 0
	c := &r.Context
	if ru.recipientParty >= 0 && (recipParty != ru.recipientParty || (ru.recipientRoles != 0 && ru.recipientRoles&recipRole == 0)) {
		f |= 1 << failRecipient
	}
	if ru.levels != 0 && ru.levels&level == 0 {
		f |= 1 << failLevel
	}
	if ru.needDUO {
		if c.NotEnrolled {
			f |= 1 << failNoMelding
		} else if !c.DUOMelding {
			f |= 1 << failDUO
		}
	}
	if ru.phases != 0 && ru.phases&phase == 0 {
		if phase == 0 {
			f |= 1 << failPhaseNone
		} else {
			f |= 1 << failPhaseWrong
		}
	}
	if ru.needConsent && !ru.consentHolds(c) {
		f |= 1 << failConsent
	}
	if ru.extra {
		f |= ru.extraFailures(c, ci, day, phase)
	}
	return f
}

// extraFailures checks the conditions only some rules have: date, age, enrolment, bijlage 3,
// TLV and the Verwijsindex.
func (ru *rule) extraFailures(c *Context, ci, day int, phase uint64) int {
	f := 0
	if day != 0 && ((ru.validFrom != 0 && day < ru.validFrom) || (ru.validUntil != 0 && day > ru.validUntil)) {
		f |= 1 << failDate
	}
	if c.Age > 0 && ((ru.ageFrom != 0 && c.Age < ru.ageFrom) || (ru.ageUntil != 0 && c.Age >= ru.ageUntil)) {
		f |= 1 << failAge
	}
	if ru.needNotEnr && !c.NotEnrolled {
		f |= 1 << failEnrolled
	}
	if phase != 0 && ru.phases == 0 && ru.annex != nil && ru.annex[ci]&phase == 0 {
		f |= 1 << failPhaseAnnex
	}
	if ru.needTLV && !c.TLV {
		f |= 1 << failTLV
	}
	if ru.needIndex && !c.Verwijsindex {
		f |= 1 << failIndex
	}
	return f
}
