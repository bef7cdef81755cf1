// Package absence turns schools' absence registrations into the signals of the Leerplichtwet
// 1969 and proposes the DUO verzuimmelding.
//
// The pieces, in the order data flows through them:
//
//   - Calendar: school days and lesweken per holiday region, from the shipped holidays
//     (schoolvakanties.csv, 2024-2025 to 2027-2028) or a school's own calendar file, plus public
//     holidays and a school's free days.
//   - Registration and Reader: a school's registrations (leerling, datum, uren, reden) read from
//     CSV line by line, with the line number of every bad line.
//   - Rules and Evaluator: the rules (16 uur in 4 lesweken, langdurig relatief verzuim, luxe
//     verzuim, M@ZL, beginnend verzuim, vermoedelijk ongeoorloofd ziekteverzuim, absoluut verzuim)
//     produce Signals, each with the article or source it rests on. Exemptions and leave stop the
//     counting for their period. Evaluate works on one pupil; EvaluateCSV streams a whole file with
//     bounded memory.
//   - CompulsionAt / Leerplichtig: leerplicht and kwalificatieplicht from the birth date.
//   - ProposeMelding, NewMelding, Melding.Transition: the verzuimmelding of the Besluit
//     Verzuimmelding with DUO's statuses, and GivesGround: whether a melding gives leerplicht the
//     ground to keep notes on the person (seed 002).
//
// The package knows no database and no HTTP; every time-based rule takes the date or time
// explicitly. docs/verzuim.md describes the rules and formats for users.
package absence
