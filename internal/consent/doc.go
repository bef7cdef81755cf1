// Package consent is Grondslag's consent register (toestemmingsregister): who consented to what,
// for whom, through which channel and until when, and whose consent a purpose needs at all.
//
// The rules of who must consent (Needed) follow DOMAIN.md and are configurable per purpose, so
// that the region's convenant can set them: under 12 the parent(s) with gezag; from 12 to 16 the
// pupil and the parent(s); from 16 the pupil alone. One parent with gezag suffices for ordinary
// school matters, all parents with gezag for jeugdhulp unless one parent has sole gezag.
//
// A Record is built only through New, which refuses (with a Dutch message, wrapping one of the
// sentinel errors below) a consent for an unknown purpose, recipient or category, with dates out
// of order, from a parent without gezag, or from the wrong person for the pupil's age and purpose.
//
// Register answers the policy question "is there a consent that covers this request now?" by
// reading the repository on every call: a withdrawal or an expiry is seen by the very next
// decision, there is no cache to outlive it.
//
// The package knows neither HTTP nor SQL; the store implements Repository.
package consent
