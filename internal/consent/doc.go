// Package consent is Grondslag's consent register (toestemmingsregister): who consented to what,
// for whom, through which channel and until when, and whose consent a purpose needs at all.
//
// Whose consent (Rules.Needed) follows DOMAIN.md and is configurable per purpose in the region's
// convenant (FromConvenant): under 12 the parent(s) with gezag; for jeugdhulp from 12 to 16 the
// pupil and the parents; from 16 the pupil alone. One parent with gezag suffices for ordinary
// school matters, all parents with gezag for jeugdhulp unless one parent has sole gezag. Age is
// counted on the day (the birthday counts as the new age; 29 February births age on 1 March in
// other years).
//
// A Record is built only through New, which refuses — with a Dutch message wrapping ErrInvalid or
// ErrWrongGiver — a consent for an unknown purpose, recipient or category, beyond the purpose's
// scope in the convenant, with dates out of order, from a parent without gezag, or from the wrong
// person for the pupil's age and purpose.
//
// Register is the service: Record, Check (does a consent cover this disclosure now? which one, or
// what is missing), Withdraw (and which disclosures rested on the consent), Reminders (consents that
// stop covering within N days: end date or age limit), List. It reads the Repository on every
// call: a withdrawal or an expiry is seen by the very next decision, there is no cache to outlive
// it. Changes carry their audit entries (AuditFunc), appended in the same transaction.
//
// RenderForm makes the consent form (text with its hash, printable HTML, PDF) in plain Dutch.
//
// The package knows neither HTTP nor SQL; internal/store implements Repository and ShareLog.
// docs/toestemming.md describes the rules, the CLI and the API.
package consent
