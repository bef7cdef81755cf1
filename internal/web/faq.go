package web

// The short explanations of "Mag ik dit delen?", per step of the work with a pupil, in plain
// Dutch (B1). Sources: seed 003 (privacy and pupil care: inzage, transparency, consent questions,
// consent register, objective notes) and seed 004 (the convenant's safeguards, casusoverleg
// phases in bijlage 3, security), and seed 002 for leerplicht's notes.

type faqItem struct{ Vraag, Antwoord, Bron string }

type faqStep struct {
	Code, Title string
	Items       []faqItem
}

var faqSteps = []faqStep{
	{Code: "signaleren", Title: "Signaleren op school", Items: []faqItem{
		{"Mogen ouders lezen wat ik over hun kind opschrijf?", "Ja. Ouders mogen alle gegevens inzien die de school over hun kind verwerkt. Schrijf daarom feitelijk en kort op wat u ziet, niet wat u denkt.", "Privacy en leerlingzorg (2018)"},
		{"Moet ik ouders vertellen dat ik gegevens deel?", "Ja, altijd. Ook als u voor het delen geen toestemming nodig heeft, bijvoorbeeld met leerplicht of het samenwerkingsverband, moeten ouders weten met wie u deelt.", "Privacy en leerlingzorg (2018)"},
		{"Wanneer moet ik verzuim melden?", "Als een leerling zonder geldige reden 16 uur of meer lestijd mist in 4 lesweken achter elkaar, meldt de school dat meteen bij DUO. Dat is een wettelijke plicht; toestemming is niet nodig.", "Leerplichtwet art. 21a"},
	}},
	{Code: "toestemming", Title: "Toestemming vragen", Items: []faqItem{
		{"Heb ik toestemming van beide ouders nodig?", "Niet altijd. Voor gewone schoolzaken is één ouder met gezag genoeg. Voor jeugdhulp is de toestemming van beide ouders met gezag de regel. Vanaf 16 jaar beslist de leerling zelf.", "Privacy en leerlingzorg (2018); Jeugdwet"},
		{"Mag toestemming mondeling?", "Liever niet. Toestemming per e-mail is geldig. Legt u toch mondelinge toestemming vast, noteer dan wie het hoorde en wanneer.", "Privacy en leerlingzorg (2018)"},
		{"Waar leg ik toestemming vast?", "In het leerlingdossier of in een toestemmingsregister, zoals dat van Grondslag. Dan kan iedereen die mag, zien waarvoor toestemming is gegeven en tot wanneer.", "Privacy en leerlingzorg (2018)"},
		{"Moet ik steeds opnieuw toestemming vragen?", "Nee, dat hangt af van de situatie: toestemming geldt voor het doel en de ontvangers die erin staan, en zolang ze niet is ingetrokken of verlopen.", "Privacy en leerlingzorg (2018)"},
	}},
	{Code: "casusoverleg", Title: "Casusoverleg", Items: []faqItem{
		{"Wat mag ik inbrengen in het casusoverleg?", "Alleen wat nodig is voor uw eigen taak, en niet meer dan strikt nodig. Begin met buitenkantinformatie: dat u betrokken bent en hoe men u bereikt, niet wat u weet.", "Model Privacy Convenant; FAQ privacy en gegevensuitwisseling"},
		{"Zijn de ouders bij het overleg?", "Ouders worden uitgenodigd en zijn in principe zelf aanwezig.", "FAQ privacy en gegevensuitwisseling"},
		{"Wie bepaalt welke informatie in welke fase nodig is?", "Per fase van het casusoverleg staat in bijlage 3 van het convenant welke informatie van wie voor welk doel nodig is. Grondslag volgt die fasen.", "Model Privacy Convenant, bijlage 3"},
	}},
	{Code: "leerplicht", Title: "Leerplicht", Items: []faqItem{
		{"Mag de leerplichtambtenaar aantekeningen maken over een leerling?", "Pas als er een verzuimmelding bij DUO is. Zonder melding kan de leerplichtambtenaar wel preventief op school praten, maar alleen aantekeningen op schoolniveau maken, niet over een persoon.", "Workshop preventief werken en leerplicht"},
	}},
	{Code: "beveiligen", Title: "Delen en bewaren", Items: []faqItem{
		{"Mag ik gegevens per e-mail sturen?", "De wet zegt dat u gegevens passend moet beveiligen. Deel liever via Grondslag dan per e-mail: hier wordt elke inzage vastgelegd en kunnen ouders zien wie wat heeft bekeken.", "Privacy en leerlingzorg (2018)"},
		{"Waarom moet ik inloggen met twee stappen?", "Elke partij beveiligt haar eigen verwerking, met toegangsbeheer en inloggen in meer stappen. Dat staat in het convenant.", "FAQ privacy en gegevensuitwisseling"},
		{"Moet mijn gemeente een DPIA doen?", "Ja. Een gemeente die aan zo'n convenant meedoet, moet vooraf een DPIA uitvoeren en daarbij haar eigen FG om advies vragen.", "Besluit Autoriteit Persoonsgegevens 27 november 2019"},
	}},
}
