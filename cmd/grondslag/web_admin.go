package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// runAPIClient: `grondslag api-client aanmaken --organisatie ID --rol PARTIJ/ROL --scope S[,S]`
// registers an API client of an organisation and prints its token once.
func runAPIClient(ctx context.Context, e env) (err error) {
	defer wrap(&err, "API-client beheren")
	if len(e.args) == 0 || e.args[0] != "aanmaken" {
		return withExit(2, errors.New("gebruik: grondslag api-client aanmaken --organisatie ID --naam NAAM --rol ROL --scope leerlingen:lezen[,mag-ik-dit-delen]"))
	}
	fs := newFlagSet(e, "api-client aanmaken", "api-client aanmaken --organisatie ID --naam NAAM --rol ROL --scope SCOPES [--db …] [--regio CODE]")
	cfg := storeFlags(fs, e)
	org := fs.Int64("organisatie", 0, "id van de organisatie waarvan het systeem is")
	name := fs.String("naam", "", "naam van het systeem, bijvoorbeeld de leerlingadministratie")
	role := fs.String("rol", "", "rol waarin het systeem werkt, bijvoorbeeld zorgcoordinator")
	var names []string
	for _, sc := range auth.Scopes {
		names = append(names, sc.Name)
	}
	scopes := fs.String("scope", "", "bevoegdheden, met komma's: "+strings.Join(names, ", "))
	if err := parseFlags(fs, e.args[1:]); err != nil {
		return err
	}
	var list []string
	for _, s := range strings.Split(*scopes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !auth.KnownScope(s) {
			return withExit(2, fmt.Errorf("--scope: onbekende bevoegdheid %q; kies uit %s", s, strings.Join(names, ", ")))
		}
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	switch {
	case *org <= 0:
		return withExit(2, errors.New("--organisatie is verplicht"))
	case strings.TrimSpace(*name) == "":
		return withExit(2, errors.New("--naam is verplicht"))
	case *role == "":
		return withExit(2, errors.New("--rol is verplicht"))
	case len(list) == 0:
		return withExit(2, errors.New("--scope is verplicht"))
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	reg, err := cfg.region(ctx, db)
	if err != nil {
		return err
	}
	o, err := db.Organisation(ctx, reg.ID, *org)
	if err != nil {
		return withExit(2, fmt.Errorf("--organisatie: organisatie %d bestaat niet in regio %s", *org, reg.Code))
	}
	conv, err := loadConvenant(cfg)
	if err != nil {
		return err
	}
	if _, ok := conv.Role(o.Party(), *role); !ok {
		return withExit(2, fmt.Errorf("--rol: %q is geen rol van partij %s in het convenant", *role, o.Party()))
	}
	token, hash := auth.NewAPIToken()
	id, err := db.CreateAPIClient(ctx, auth.APIClient{RegionID: reg.ID, OrgID: o.ID, Name: strings.TrimSpace(*name), Role: *role, Scopes: list}, hash, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "API-client %d aangemaakt voor %s (%s, %s).\nToken (wordt niet opnieuw getoond):\n%s\n", id, o.Name, *role, strings.Join(list, ", "), token)
	return nil
}

// oidcFlags are the flags both OIDC commands share: the provider and where its secret is.
type oidcFlags struct {
	cfg                         *config
	issuer, clientID, secretVar *string
}

func newOIDCFlags(fs *flag.FlagSet, e env, secretVar string) oidcFlags {
	return oidcFlags{cfg: storeFlags(fs, e),
		issuer:    fs.String("issuer", "", "issuer-URL van de OpenID Connect-provider (https://…)"),
		clientID:  fs.String("client-id", "", "client-id van Grondslag bij de provider"),
		secretVar: fs.String("geheim-uit", secretVar, "omgevingsvariabele met het client-geheim")}
}

// open checks the provider flags (the secret from the environment, never from a flag, so it
// stays out of shell history) and opens the store, the region and the web key's sealer.
func (f oidcFlags) open(ctx context.Context, e env) (secret string, db *store.DB, reg regionRef, sealer *auth.Sealer, err error) {
	secret = e.getenv(*f.secretVar)
	switch {
	case !strings.HasPrefix(*f.issuer, "https://"):
		return "", nil, reg, nil, withExit(2, errors.New("--issuer moet een https://-URL zijn"))
	case *f.clientID == "":
		return "", nil, reg, nil, withExit(2, errors.New("--client-id is verplicht"))
	case secret == "":
		return "", nil, reg, nil, withExit(2, fmt.Errorf("het client-geheim ontbreekt: zet het in de omgevingsvariabele %s", *f.secretVar))
	}
	key, err := webKey(e, f.cfg)
	if err != nil {
		return "", nil, reg, nil, err
	}
	if sealer, err = auth.NewSealer(key); err != nil {
		return "", nil, reg, nil, err
	}
	if db, err = f.cfg.openStore(ctx); err != nil {
		return "", nil, reg, nil, err
	}
	if reg, err = f.cfg.region(ctx, db); err != nil {
		db.Close()
		return "", nil, reg, nil, err
	}
	return secret, db, reg, sealer, nil
}

// runOIDC: `grondslag oidc instellen --organisatie ID --issuer URL --client-id ID` configures the
// federated login of an organisation; `grondslag oidc ouders` that of the region's parents and
// pupils (runCitizenOIDC). The client secret is read from the environment variable named by
// --geheim-uit and stored sealed.
func runOIDC(ctx context.Context, e env) (err error) {
	defer wrap(&err, "OIDC instellen")
	if len(e.args) > 0 && e.args[0] == "ouders" {
		return runCitizenOIDC(ctx, e)
	}
	if len(e.args) == 0 || e.args[0] != "instellen" {
		return withExit(2, errors.New("gebruik: grondslag oidc instellen --organisatie ID --issuer URL --client-id ID --geheim-uit VARIABELE [--mfa-van-idp]\n   of: grondslag oidc ouders --naam NAAM --issuer URL --client-id ID --geheim-uit VARIABELE [--regio CODE]"))
	}
	fs := newFlagSet(e, "oidc instellen", "oidc instellen --organisatie ID --issuer URL --client-id ID --geheim-uit VARIABELE [--mfa-van-idp] [--db …] [--regio CODE]")
	f := newOIDCFlags(fs, e, "GRONDSLAG_OIDC_GEHEIM")
	org := fs.Int64("organisatie", 0, "id van de organisatie")
	mfa := fs.Bool("mfa-van-idp", false, "de provider bevestigt tweestapsverificatie (acr/amr); Grondslag vraagt dan geen eigen code als het token dat aantoont")
	if err := parseFlags(fs, e.args[1:]); err != nil {
		return err
	}
	if *org <= 0 {
		return withExit(2, errors.New("--organisatie is verplicht"))
	}
	secret, db, reg, sealer, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := db.Organisation(ctx, reg.ID, *org)
	if err != nil {
		return withExit(2, fmt.Errorf("--organisatie: organisatie %d bestaat niet in regio %s", *org, reg.Code))
	}
	c := auth.OIDCConfig{RegionID: reg.ID, OrgID: o.ID, Issuer: *f.issuer, ClientID: *f.clientID, MFAFromIdP: *mfa}
	if err := db.SetOIDC(ctx, c, web.SealOIDCSecret(sealer, reg.ID, o.ID, secret)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Inloggen via OpenID Connect ingesteld voor %s (%s).\nDe knop staat op de inlogpagina; terugkeer-URL bij de provider: <GRONDSLAG_URL>/inloggen/oidc-terug\n", o.Name, *f.issuer)
	return nil
}

// runCitizenOIDC: `grondslag oidc ouders --naam DigiD --issuer URL --client-id ID` configures the
// sign-in of the region's parents and pupils through an OpenID Connect provider (a DigiD broker).
func runCitizenOIDC(ctx context.Context, e env) (err error) {
	defer wrap(&err, "OIDC voor ouders instellen")
	fs := newFlagSet(e, "oidc ouders", "oidc ouders --naam NAAM --issuer URL --client-id ID --geheim-uit VARIABELE [--db …] [--regio CODE]")
	f := newOIDCFlags(fs, e, "GRONDSLAG_OIDC_OUDERS_GEHEIM")
	name := fs.String("naam", "DigiD", "naam van de inlogdienst op de knop (bijvoorbeeld DigiD)")
	if err := parseFlags(fs, e.args[1:]); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return withExit(2, errors.New("--naam is verplicht"))
	}
	secret, db, reg, sealer, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetCitizenOIDC(ctx, store.CitizenOIDC{RegionID: reg.ID, Name: strings.TrimSpace(*name), Issuer: *f.issuer, ClientID: *f.clientID,
		Secret: web.SealCitizenOIDCSecret(sealer, reg.ID, secret)}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Inloggen met %s ingesteld voor ouders en leerlingen van regio %s (%s).\nDe knop staat op /inloggen/ouder en /inloggen/leerling; terugkeer-URL bij de provider: <GRONDSLAG_URL>/inloggen/burger-terug\n", *name, reg.Code, *f.issuer)
	return nil
}
