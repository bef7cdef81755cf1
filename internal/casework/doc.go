// Package casework is the casusoverleg: the meeting in which school, samenwerkingsverband,
// leerplicht, jeugdhulp and the GGD, with the parents, work on one pupil, and the
// doorbraakoverleg that takes over when such a case stalls.
//
// A Case belongs to one pupil. It has a type and a purpose from the region's convenant, a regie
// (the zorgcoördinator holds broad regie, leerplicht partial regie, the care provider regie over
// the care; seed 002 of the Amsterdam thuiszitters pilot), participants from the convenant's
// parties with their role and the purpose for which they sit at the table, the parents (and the
// pupil from 12) as invited participants, and a phase from the convenant's bijlage 3.
//
// What a participant may bring into a phase and read in it is decided twice: the phase's
// information list (bijlage 3: which categories each party brings, as content or only as
// "buitenkant") and the policy engine (internal/policy), which knows the legal ground, the
// consent and DUO-melding conditions and the phases of every exchange. Default deny: what is not
// both listed and allowed is not shown; a participant asked "what do you know?" answers with
// buitenkant information (involved, and a contact) unless phase and consent allow content.
//
// Minutes (verslagen) and agreements (afspraken) carry a version: a writer names the version
// they edited and a stale write fails with a *ConflictError holding the current version, so that
// nothing is overwritten unseen. A case escalates to a doorbraakoverleg by hand or when Triggers
// finds it stalled (no progress on agreements for Config.StallWeeks, or a thuiszitter at home
// longer than Config.ThuiszitterLimit, 3 months after the Thuiszitterspact 2016). Closing
// records the result and starts the retention clocks of the convenant's bijlage 4.
//
// The package knows no HTTP and no SQL. Service runs every step against a Repository (the store)
// and writes each change together with its audit entries.
package casework
