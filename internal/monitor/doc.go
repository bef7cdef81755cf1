// Package monitor counts thuiszitters for the samenwerkingsverband, the gemeente and the
// Inspectie without making a child recognisable.
//
// The input is one Spell per pupil and situation — langdurig relatief verzuim, absoluut verzuim,
// or a vrijstelling — with the pupil's gemeente, school type and date of birth, never a name or an
// identifier. Aggregate counts the spells that are running on a reference date (peildatum) into a
// cube of small cells; the published tables are sums of those cells. Suppress then hides every
// count below the region's threshold (default 5, from the convenant) and as many other counts as
// are needed so that no hidden count can be computed back from what is shown: per line of a table
// (complementary suppression), across tables that share a total, and finally by an exact check
// that solves the published figures as a system of linear equations (see Audit).
//
// Every figure carries its definition (Definitions) and its reference date, because parents and
// schools dispute the counts when definitions differ (Kamerbrief thuiszitters, 3 februari 2016;
// Thuiszitterspact 2016; the Inspectie's quarterly registration).
package monitor
