// Package convenant reads, validates, compiles and renders a region's privacy convenant: the
// file (convenant.yaml) that lawyers read and that internal/policy enforces on every access.
//
// # Reading a file
//
// Load parses the YAML with github.com/goccy/go-yaml, keeping the line and column of every
// value, checks its meaning and returns a *Compiled. An invalid file yields an *Error
// (errors.Is(err, ErrInvalid)) whose Diagnostics each say FILE:line:column, what is wrong and
// how to mend it, in Dutch. Warnings (for example a party without organisations yet) do not make
// a file invalid; they are in Compiled.Warnings. Parse gives the raw parse for tools.
//
// The checks: YAML syntax; unknown or duplicate keys (with a suggestion); codes in kebab-case
// and unique; every code used known (party, role of that party, purpose, category, phase,
// level, action, condition, obligation, article and lid, processing activity); a party without
// roles; a permission without ground (AVG art. 6 lid 1 a–f); special data (art. 9) without an
// art. 9 lid 2 exception and criminal data (art. 10) without a UAVG exception; consent as ground
// without a consent condition; a purpose no exchange uses; a permission that a prohibition
// always overrides, or the same permission on different grounds (contradictions); content
// disclosed in a casusoverleg phase whose bijlage-3 entry does not allow it; person-level data
// for an aggregates-only purpose; consent required for a purpose without a toestemming entry;
// a category without retention; exchanges inconsistent with the verwerkingsregister; security
// settings (idle not longer than absolute session, MFA recommended).
//
// # The default
//
// DefaultYAML returns the model convenant that ships with Grondslag (after the Model Privacy
// Convenant Onderwijs–Gemeenten–Jeugdhulp of 9 December 2020, the seeds and DOMAIN.md) and
// Default its compiled form. `grondslag convenant init` writes it. Its codes are fixed so that
// other packages can rely on them: parties school, swv, gemeente, jeugdhulp, ggd; roles
// zorgcoordinator, mentor, directeur, leerplicht, swv-consulent, onderwijsconsulent,
// jeugdarts, jeugdhulpverlener, fg; purposes signalering, toeleiding, handhaving-leerplicht,
// jeugdhulp, monitoring; categories identificatie, contact, onderwijs, verzuim,
// gezinssituatie, ondersteuningsbehoefte, gezondheid, jeugdhulp, strafrechtelijk,
// casusverslag, afspraken, toestemming; phases aanmelding, voorbereiding, overleg,
// plan-van-aanpak, uitvoering-en-evaluatie, afsluiting; case types mdo, zat,
// thuiszittersoverleg, doorbraakoverleg.
//
// # Lookups for other packages
//
// A *Compiled is immutable and safe to share. It offers:
//
//   - Hash (the "sha256:…" of the file, stored with every access), Version, Meta, Source.
//   - Party, Role, Purpose, Category, Phase, CaseType by code, and Parties, Purposes,
//     Categories, Phases, CaseTypes, Exchanges, Articles in file order.
//   - Special(category): special (art. 9) or criminal (art. 10) data.
//   - Retention(category, party): the retention period (Period, running From an event such
//     as "uitschrijving" or "geboortedatum") with a party-specific override where the file has
//     one; Period.AddTo(t) computes the date.
//   - Security(): MFARequired, SessionIdle, SessionAbsolute, EncryptSpecial, MinPasswordLength.
//   - ConsentRule(purpose): whose consent a purpose needs — Parents ("een" or "alle" with
//     gezag), OwnAge (from this age the pupil alone, 16), JointAge (from this age together with
//     the parents, 12; 0 = never), Forms, ValidMonths.
//   - ProcessingActivities / ProcessingActivity(id): the verwerkingsregister (AVG art. 30)
//     with id, name, controller, purpose, parties, categories, data subjects, ground,
//     recipients; ProcessingActivityURI(id) is the value for dpl.core.processing_activity_id.
//
// # Rendering
//
// Render writes the readable convenant as Markdown or HTML: the articles, bijlage 1 (parties,
// roles, purposes, categories), bijlage 2 (data per purpose and party with ground, conditions
// and article), bijlage 3 (casusoverleg types and phases), bijlage 4 (retention), bijlage 5
// (verwerkingsregister per party), bijlage 6 (security and consent) and bijlage 7 (a DPIA
// starting point listing the processing of special and criminal data).
//
// The format of the file is documented for its authors in docs/convenant.md.
package convenant
