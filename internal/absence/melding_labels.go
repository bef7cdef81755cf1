package absence

// The words a user reads for a melding's codes (issue 15): pages and CSV exports show these; the
// API and the DUO file keep the codes.

var statusLabels = map[Status]string{
	StatusRegistered:   "Geregistreerd",
	StatusWithdrawn:    "Ingetrokken",
	StatusInProgress:   "In behandeling",
	StatusClosed:       "Afgesloten",
	StatusAcknowledged: "Ter kennisgeving aangenomen",
}

var closingReasonLabels = map[ClosingReason]string{
	CloseBackToSchool:       "Terug naar school",
	CloseOtherCourse:        "Uitgeschreven, naar een andere opleiding",
	CloseWork:               "Uitgeschreven, aan het werk",
	CloseOtherEnded:         "Uitgeschreven, overig",
	CloseDied:               "Overleden",
	CloseLongTermIll:        "Geen verzuim: langdurig ziek",
	CloseLegitimatelyAbsent: "Geen verzuim: geoorloofd afwezig",
}

var closingNoteLabels = map[ClosingNote]string{
	NotePupilSeen:      "Leerling gesproken",
	NoteActionUnderway: "Actie in gang gezet",
	NoteNoFurther:      "Geen verdere actie",
}

// Label is the status in words, as DUO's verzuimloket names it ("In behandeling"); an unknown
// code is returned as it is.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Label is the closing reason in words; an unknown code is returned as it is.
func (r ClosingReason) Label() string {
	if l, ok := closingReasonLabels[r]; ok {
		return l
	}
	return string(r)
}

// Label is the closing note in words; an unknown code is returned as it is.
func (n ClosingNote) Label() string {
	if l, ok := closingNoteLabels[n]; ok {
		return l
	}
	return string(n)
}
