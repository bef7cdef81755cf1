// Package retention decides what Grondslag may no longer keep, and runs the destruction of it
// (AVG art. 5 lid 1 sub e, storage limitation; Archiefwet 1995 art. 3 and 5 for public bodies).
//
// Retention periods come from the convenant (bewaartermijnen, per category with a party's own
// period where its register says so — each party is its own controller), each running from a
// start event:
//
//	uitschrijving            the pupil left the school (leerlingdossier; absence and enrolment data)
//	geboortedatum            date of birth (leerplicht file: 19 years, VNG Selectielijst 2020 12.1.3)
//	einde-kwalificatieplicht end of kwalificatieplicht: the 18th birthday at the latest (Lpw art. 4a)
//	afsluiting-casus         the case was closed
//	einde-toestemming        the consent ended (withdrawn or expired)
//	einde-jeugdhulp          the jeugdhulp ended (not recorded in Grondslag: must be entered)
//	laatste-wijziging        the last change of the party's file (JGZ: 20 years, BW 7:454 lid 3)
//	vastlegging              the record was made
//
// A period ends at the end of the day the period after the start event (month ends clamp: a
// period from 31 August plus 6 months ends on 28 or 29 February; from 29 February plus one year
// on 28 February); destruction is due from the next day. A start event that has not happened, or
// that Grondslag does not know, keeps the data: the clock says what it waits for.
//
// The destruction workflow, per controller: the daily job proposes a list of what is due (Plan);
// the FG advises (Advise); the controller's authorised official approves or rejects it
// (Decide) — for a public body the zorgdrager under the Archiefwet, for a school or SWV its board
// (bevoegd gezag); execution destroys what was approved (the store shreds the pupil's key and
// deletes the rows) and records counts, never content, in the audit log; a report says what was
// destroyed, when, under which rule, approved by whom. A legal hold per pupil or case, with a
// reason and an end date, stops all of it until it ends. Erasure on request (AVG art. 17) uses the
// same destruction, with the request as its basis instead of a list.
//
// The package imports neither net/http nor database/sql; the store implements what it needs.
package retention
