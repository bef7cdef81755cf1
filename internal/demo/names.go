package demo

// Name lists for synthetic people. Combinations are drawn at random, so any resemblance to a real
// person is chance; no real register was used.
var (
	firstNamesGirls = []string{"Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Liv", "Saar", "Anna", "Evi", "Lotte", "Noor", "Lina", "Fleur", "Fenna", "Maud", "Isa", "Sanne", "Amira", "Hiba", "Yasmina", "Aylin", "Elif", "Chloë", "Roos", "Femke", "Jasmijn", "Nina", "Lieke", "Esmee", "Ilse"}
	firstNamesBoys  = []string{"Noah", "Liam", "Luca", "Sem", "Daan", "Levi", "Finn", "Milan", "Jesse", "Bram", "Mees", "Sam", "Lucas", "Thijs", "Adam", "Mohamed", "Yusuf", "Ayoub", "Emir", "Ravi", "Jayden", "Ruben", "Stijn", "Teun", "Gijs", "Lars", "Jens", "Timo", "Niels", "Koen", "Owen", "Siem", "Hugo", "Boaz", "Mats"}
	firstNamesAdult = []string{"Marieke", "Sandra", "Linda", "Petra", "Ingrid", "Fatima", "Nadia", "Esther", "Monique", "Karin", "Saskia", "Anouk", "Mark", "Dennis", "Jeroen", "Erik", "Ahmed", "Hasan", "Kevin", "Martijn", "Bas", "Rob", "Sander", "Vincent", "Wouter", "Paul", "Ilona", "Chantal", "Tamara", "Yvonne"}
	lastNames       = []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "Yilmaz", "El Amrani", "Kaya", "Bouzidi", "Pinas", "Koster", "Prins", "Huisman", "Postma", "Kuipers"}
)

// Place and organisation names are invented: no such gemeenten exist.
var (
	gemeenteNames = []string{"Lindewaard", "Oosterveen"}
	poSchoolNames = []string{"De Regenboog", "De Vlinder", "Het Kompas", "De Wilgenhoek", "Klimop", "De Zonnewijzer", "De Springplank"}
	voSchoolNames = []string{"Lindewaard College", "Oosterveen Lyceum", "Vakcollege De Haven", "Montessori Lyceum Lindewaard"}
	soSchoolNames = []string{"SO/VSO De Brug"}
)
