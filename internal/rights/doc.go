// Package rights holds the rules of the data subject's rights (AVG art. 12–22) as Grondslag
// tracks them. Today it knows the access request (inzage, AVG art. 15): who may ask (a parent
// with gezag, or the pupil from 16), the one-month term counted from receipt (AVG art. 12 lid 3),
// its single extension by at most two further months with a reason, and when a request is overdue.
//
// The package knows neither SQL nor HTTP. A Request is built by NewRequest (or rebuilt from
// storage by Restore), so an invalid request cannot exist; time-based rules take the day
// explicitly.
package rights
