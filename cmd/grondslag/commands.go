package main

import "context"

// commands lists every subcommand. Add one line per subcommand; its code lives in its own file.
func commands() []command {
	return []command{
		{"help", "toont deze hulptekst", func(_ context.Context, e env) error { printHelp(e.stdout); return nil }},
		{"versie", "toont de versie van grondslag", runVersion},
		{"demo", "maakt een synthetische demoregio en start de server", runDemo},
		{"demo-code", "toont de inlogcode (TOTP) van dit moment voor een demoaccount", runDemoCode},
		{"serve", "start de webserver (API en schermen)", runServe},
		{"migrate", "past de databasemigraties toe", runMigrate},
		{"regio", "maakt een regio aan (de tenant)", runRegio},
		{"backup", "maakt een back-up van de database (SQLite online, PostgreSQL met pg_dump); sleutels apart", runBackup},
		{"restore", "zet een back-up terug in een nieuw bestand of een lege PostgreSQL-database", runRestore},
		{"sleutels", "de sleutels van een regio: aanmaken, koppelen, toon, roteren", runSleutels},
		{"importeer", "importeert organisaties, gebruikers of leerlingen uit CSV (alles of niets)", runImporteer},
		{"convenant", "het convenant: init, check (fouten met regel en kolom), render (md of html)", runConvenant},
		{"mag", "mag ik dit delen? leest een vraag als JSON en geeft de beslissing", runMag},
		{"verzuim", "verzuimsignalen volgens de Leerplichtwet uit verzuimregistraties (CSV); importeren", runVerzuim},
		{"toestemming", "toestemmingsregister: wiens toestemming nodig is, vastleggen, intrekken, formulier", runToestemming},
		{"kennisgeving", "kennisgevingen aan ouders over delen op een wettelijke grondslag: versturen (SMTP), uitstellen", runKennisgeving},
		{"casus", "casusoverleg: lijst, toon (zoals de gebruiker hem mag zien), opschalen-check (doorbraakoverleg)", runCasus},
		{"monitor", "thuiszitters in aantallen: per gemeente, schooltype, leeftijd en duur, kleine aantallen onderdrukt; --inspectie", runMonitor},
		{"bewaartermijnen", "vernietigen wat niet langer bewaard mag worden: voorstel, advies, besluit, uitvoeren, rapport, blokkade, wissen", runBewaartermijnen},
		{"audit", "het auditlog: verify, checkpoint, sleutel, toon --leerling, export --formaat logboek", runAudit},
		{"api-client", "maakt een API-client (token) aan voor een organisatie", runAPIClient},
		{"oidc", "stelt inloggen via OpenID Connect in voor een organisatie", runOIDC},
	}
}
