package store

// DestructionTables exposes, for the external tests, what a pupil's destruction deletes (by
// pupil id, by pseudonym) and what it deliberately keeps.
func DestructionTables() (byID, byPseudonym []string, kept map[string]string) {
	for _, t := range pupilTables {
		byID = append(byID, t.table)
	}
	// leerling_ouder goes after them (Destroy first reads the parents it links).
	byID = append(byID, "leerling_ouder")
	return byID, pupilPseudonymTables, keptTables
}
