package web

import "strings"

// workWords are the words for the codes a work item carries (signal and melding kinds, kinds of
// case meeting), so the start page reads "16 uur verzuim in 4 lesweken", not the code.
var workWords = map[string]string{
	"16-uur-in-4-lesweken":       "16 uur verzuim in 4 lesweken",
	"langdurig-relatief-verzuim": "langdurig relatief verzuim",
	"luxe-verzuim":               "luxe verzuim",
	"mazl":                       "ziekteverzuim (M@ZL)",
	"beginnend-verzuim":          "beginnend verzuim",
	"absoluut-verzuim":           "absoluut verzuim",
	"overig-verzuim":             "overig verzuim (ziekte, ongeoorloofd vermoed)",
	"langdurig-ziekteverzuim":    "langdurig ziekteverzuim (naar leerplicht, regionale afspraak)",
	"rmc-verzuim":                "verzuim zonder startkwalificatie (RMC)",
	"signaal-verzuim":            "signaal verzuim",
	"verzuim-1-maand-of-langer":  "verzuim van 1 maand of langer",
	"mdo":                        "multidisciplinair overleg",
	"zat":                        "zorg- en adviesteam",
	"thuiszittersoverleg":        "thuiszittersoverleg",
	"doorbraakoverleg":           "doorbraakoverleg",
}

// workWord returns the words for a work item's code; an unknown code with its hyphens as spaces.
func workWord(code string) string {
	if w, ok := workWords[code]; ok {
		return w
	}
	return strings.ReplaceAll(code, "-", " ")
}
