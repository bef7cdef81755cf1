// Browser tests of Grondslag in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): sign in with two factors (the TOTP code computed here from the demo's known
// secret), walk each role's main task, take a screenshot of every page and run axe-core on it
// (WCAG 2.0/2.1 A and AA) with no violations allowed. The test starts `grondslag demo` itself.
//
//   GRONDSLAG_BIN=/pad/naar/grondslag npm test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { PASSWORD, login as signIn, totp } from './login.js';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BIN = process.env.GRONDSLAG_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.resolve(process.env.SCHERMAFDRUKKEN || 'schermafdrukken');

let server, base, browser, parentEmail, workdir;

// ---- the server
before(async () => {
  assert.ok(BIN, 'GRONDSLAG_BIN moet naar de grondslag-binary wijzen');
  assert.ok(fs.existsSync(CHROMIUM), `Chromium niet gevonden op ${CHROMIUM} (apt-get install -y chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'grondslag-browser-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  base = `http://127.0.0.1:${port}`;
  // A fixed peildatum (today, UTC) makes the demo region independent of the time of day.
  const today = new Date().toISOString().slice(0, 10);
  server = spawn(BIN, ['demo', '--adres', `127.0.0.1:${port}`, '--leerlingen', '800', '--peildatum', today], { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout.on('data', (d) => { out += d; });
  server.stderr.on('data', () => {});
  const deadline = Date.now() + 90_000;
  while (!out.includes('Grondslag luistert op')) {
    if (Date.now() > deadline) throw new Error('de demo start niet:\n' + out);
    if (server.exitCode !== null) throw new Error('de demo stopte:\n' + out);
    await new Promise((r) => setTimeout(r, 200));
  }
  parentEmail = (out.match(/Ouder om mee in te loggen \(regio [^)]*\): (\S+);/) || [])[1];
  assert.ok(parentEmail, 'de demo noemt geen ouder:\n' + out);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
});

// ---- helpers
async function newPage() {
  const ctx = await browser.newContext({ javaScriptEnabled: true, locale: 'nl-NL' });
  const page = await ctx.newPage();
  page.cspErrors = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.cspErrors.push(m.text()); });
  return page;
}

// check screenshots the page and runs axe-core; no violation may remain.
async function check(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const msgs = res.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(msgs, [], `axe op ${name} (${page.url()}):\n${msgs.join('\n')}`);
  assert.deepEqual(page.cspErrors, [], `CSP-fouten op ${name}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
}

// login signs a professional in (login.js), screenshotting and checking the two forms when shot.
async function login(page, email, shot) {
  await signIn(page, base, email, shot ? { check: (name) => check(page, name) } : {});
}

async function choosePurpose(page, label) {
  await page.getByLabel('Ik werk nu voor het doel').first().selectOption({ label });
  await page.getByRole('button', { name: 'Doel kiezen' }).first().click();
}

// ---- the roles' main tasks
test('een fout wachtwoord geeft een melding bij het veld', async () => {
  const page = await newPage();
  await page.goto(base + '/inloggen');
  await page.getByLabel('E-mailadres').fill('zorg2@demo.grondslag.test');
  await page.getByLabel('Wachtwoord').fill('fout-wachtwoord');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await assert.doesNotReject(page.getByRole('alert').waitFor());
  assert.match(await page.title(), /^Fout: /);
  assert.equal(await page.getByLabel('E-mailadres').getAttribute('aria-invalid'), 'true');
  await check(page, 'inloggen-fout');
  await page.context().close();
});

test('zorgcoördinator: doel kiezen, leerling openen, privacyvraag stellen', async () => {
  const page = await newPage();
  await login(page, 'zorg1@demo.grondslag.test', true);
  await check(page, 'zorgcoordinator-start');
  await choosePurpose(page, 'Signalering en aanmelding casusoverleg');
  await page.getByRole('link', { name: 'Leerlingen', exact: true }).click();
  await page.waitForURL('**/leerlingen');
  await check(page, 'zorgcoordinator-leerlingen');
  await page.locator('table tbody a').first().click();
  await page.waitForURL(/\/leerlingen\/[A-Za-z0-9_-]{22}$/);
  const blocks = page.locator('section.gegevensblok');
  assert.ok((await blocks.count()) >= 3, 'gegevensblokken');
  assert.match(await blocks.first().innerText(), /grondslag: AVG art\. 6/);
  await check(page, 'zorgcoordinator-leerling');
  await page.getByRole('link', { name: 'Verzuim', exact: true }).click();
  await page.waitForURL('**/verzuim/signalen');
  await check(page, 'zorgcoordinator-verzuimsignalen');
  await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
  await page.waitForURL('**/verzuim/meldingen');
  await check(page, 'zorgcoordinator-meldingen');
  await page.getByRole('link', { name: 'Mag ik dit delen?', exact: true }).click();
  await check(page, 'mag-ik-dit-delen');
  await page.getByLabel('Wat wilt u doen?').selectOption('verstrekken');
  await page.getByLabel(/^Aan wie\?/).selectOption('swv/swv-consulent');
  await page.getByLabel('Welke gegevens?').selectOption('ondersteuningsbehoefte');
  await page.getByLabel('Met welk doel?').selectOption('toeleiding');
  await page.getByRole('button', { name: 'Vraag het antwoord' }).click();
  await page.getByRole('heading', { name: 'Ja, dit mag' }).waitFor();
  await check(page, 'mag-ik-dit-delen-antwoord');
  await page.context().close();
});

test('leerplicht: meldingen in behandeling en leerlingen met een melding', async () => {
  const page = await newPage();
  await login(page, 'leerplicht1@demo.grondslag.test');
  await page.getByRole('heading', { name: 'Verzuimmeldingen in behandeling' }).waitFor();
  await check(page, 'leerplicht-start');
  await choosePurpose(page, 'Handhaving leerplicht');
  await page.getByRole('link', { name: 'Leerlingen', exact: true }).click();
  await check(page, 'leerplicht-leerlingen');
  await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
  await page.waitForURL('**/verzuim/meldingen');
  await check(page, 'leerplicht-meldingen');
  await page.context().close();
});

test('samenwerkingsverband: casussen en de privacyvraag', async () => {
  const page = await newPage();
  await login(page, 'swv@demo.grondslag.test');
  await page.getByRole('heading', { name: 'Casussen', exact: true }).waitFor();
  await check(page, 'swv-start');
  const cases = await page.goto(base + '/casussen');
  assert.equal(cases.status(), 200, 'casuslijst');
  await check(page, 'swv-casussen');
  await page.getByRole('link', { name: 'Mag ik dit delen?', exact: true }).click();
  await page.getByLabel('Welke gegevens?').selectOption('gezondheid');
  await page.getByLabel('Met welk doel?').selectOption('jeugdhulp');
  await page.getByLabel(/^Aan wie\?/).selectOption('jeugdhulp/jeugdhulpverlener');
  await page.getByRole('button', { name: 'Vraag het antwoord' }).click();
  await page.locator('section.antwoord').waitFor();
  await check(page, 'swv-mag-ik-antwoord');
  await page.context().close();
});

test('FG: het auditlog', async () => {
  const page = await newPage();
  await login(page, 'fg@demo.grondslag.test');
  await check(page, 'fg-start');
  await page.getByRole('link', { name: 'Auditlog bekijken' }).click();
  await page.getByRole('heading', { name: 'Auditlog' }).waitFor();
  assert.ok((await page.locator('tbody tr').count()) > 0, 'het auditlog toont regels');
  await check(page, 'fg-auditlog');
  await page.goto(base + '/leerlingen');
  assert.match(await page.locator('h1').innerText(), /Geen toegang/);
  await page.context().close();
});

test('beheerder: accounts, geen leerlinggegevens', async () => {
  const page = await newPage();
  await login(page, 'beheer@demo.grondslag.test');
  await page.getByRole('link', { name: 'Accounts', exact: true }).first().click();
  await page.getByRole('table').waitFor();
  await check(page, 'beheerder-accounts');
  await page.getByRole('link', { name: 'API-clients', exact: true }).click();
  await page.getByLabel('Naam van het systeem').fill('Leerlingadministratie De Regenboog');
  await page.getByLabel('Organisatie', { exact: true }).selectOption({ label: 'Basisschool De Regenboog' });
  await page.getByLabel('Rol waarin de client werkt').selectOption('school/zorgcoordinator');
  await page.locator('input[name="scope"][value="leerlingen:lezen"]').check();
  await page.getByRole('button', { name: 'Client aanmaken' }).click();
  await page.getByRole('heading', { name: 'Token aangemaakt' }).waitFor();
  await check(page, 'beheerder-api-client');
  const resp = await page.goto(base + '/leerlingen');
  assert.equal(resp.status(), 403);
  // A lost phone: the beheerder resets the second factor; the user sets it up again.
  await page.goto(base + '/beheer/accounts');
  const row = page.locator('tbody tr', { hasText: 'directie3@demo.grondslag.test' });
  await row.getByRole('button', { name: /Tweestapsverificatie terugzetten/ }).click();
  await page.waitForURL('**/beheer/accounts');
  const user = await newPage();
  await user.goto(base + '/inloggen');
  await user.getByLabel('E-mailadres').fill('directie3@demo.grondslag.test');
  await user.getByLabel('Wachtwoord').fill(PASSWORD);
  await user.getByRole('button', { name: 'Inloggen' }).click();
  await user.waitForURL('**/inloggen/mfa/instellen');
  // The QR code is an image from our own origin (img-src 'self'), no script involved.
  const qrWidth = await user.locator('img[src="/inloggen/mfa/qr.png"]').evaluate((img) => img.complete && img.naturalWidth);
  assert.equal(qrWidth, 200);
  await check(user, 'mfa-instellen');
  const secret = (await user.locator('code.sleutel').innerText()).replace(/\s+/g, '');
  await user.getByLabel('Code van 6 cijfers').fill(totp(secret));
  await user.getByRole('button', { name: 'Instellen' }).click();
  await user.getByRole('heading', { name: 'Bewaar uw herstelcodes' }).waitFor();
  assert.equal(await user.locator('ul.codes li').count(), 10);
  await check(user, 'herstelcodes');
  await user.context().close();
  await page.context().close();
});

test('ouder: inloggen met een code per e-mail, mijn kind', async () => {
  const page = await newPage();
  await page.goto(base + '/inloggen/ouder');
  await check(page, 'ouder-inloggen');
  await page.getByLabel('E-mailadres').fill(parentEmail);
  await page.getByRole('button', { name: 'Stuur mij een code' }).click();
  await page.waitForURL('**/inloggen/ouder/code');
  await check(page, 'ouder-code');
  const mail = await (await browser.newContext()).newPage();
  await mail.goto(base + '/dev/postvak');
  const body = await mail.locator('tbody tr').first().innerText();
  const code = (body.match(/\b(\d{8})\b/) || [])[1];
  assert.ok(code, 'geen code in het postvak');
  await mail.context().close();
  await page.getByLabel('Code van 8 cijfers').fill(code);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL('**/start');
  await page.getByRole('heading', { name: 'Mijn kind', exact: true }).waitFor();
  await check(page, 'ouder-portaal');
  await page.locator('#kind-kop + ul a').first().click();
  await page.waitForURL(/\/leerlingen\/[A-Za-z0-9_-]{22}$/);
  assert.match(await page.locator('section.gegevensblok').first().innerText(), /AVG art\. 15/);
  await page.getByRole('heading', { name: /Wie heeft gegevens van uw kind bekeken/ }).waitFor();
  await check(page, 'ouder-kind');
  await page.context().close();
});

test('zonder JavaScript werkt het inloggen ook', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await signIn(page, base, 'mentor1@demo.grondslag.test');
  assert.match(await page.locator('h1').innerText(), /Welkom/);
  await ctx.close();
});

test('bewaartermijnen: de FG adviseert, de directie besluit en voert uit, het rapport zonder inhoud', async () => {
  // The demo adds three former pupils whose retention periods have all run out and proposes a
  // destruction list per school; directie1 works at school 1 (the first PO school).
  const fg = await newPage();
  await login(fg, 'fg@demo.grondslag.test');
  await fg.getByRole('link', { name: 'Vernietigingslijsten: advies geven' }).click();
  await fg.getByRole('heading', { name: 'Vernietigingslijsten' }).waitFor();
  await check(fg, 'fg-vernietigingslijsten');
  const lists = await fg.locator('table').first().locator('tbody tr').count();
  assert.ok(lists >= 2, 'de demo stelt per school een lijst voor');
  await fg.locator('tbody tr').first().getByRole('link', { name: /Advies geven/ }).click();
  await fg.getByRole('heading', { name: 'Advies van de FG' }).waitFor();
  assert.doesNotMatch(await fg.locator('main').innerText(), /Oud-Leerling|Sanne|Thijs|Lotte/, 'een lijst noemt leerlingen alleen bij nummer');
  // A negative advice without a note: the error at the field, nothing stored.
  await fg.getByLabel('Negatief').check();
  await fg.getByRole('button', { name: 'Advies vastleggen' }).click();
  await fg.getByRole('alert').waitFor();
  assert.equal(await fg.getByLabel('Toelichting').getAttribute('aria-invalid'), 'true');
  await check(fg, 'fg-advies-fout');
  // Advise positively on every proposed list.
  for (let i = 0; i < 10; i++) {
    await fg.goto(base + '/bewaartermijnen');
    const link = fg.getByRole('link', { name: /Advies geven/ }).first();
    if (await link.count() === 0) break;
    await link.click();
    await fg.getByLabel('Positief', { exact: true }).check();
    await fg.getByRole('button', { name: 'Advies vastleggen' }).click();
    await fg.getByText('Advies FG').first().waitFor();
  }
  await check(fg, 'fg-advies-gegeven');
  await fg.context().close();

  const dir = await newPage();
  await login(dir, 'directie1@demo.grondslag.test');
  await dir.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Vernietigingslijsten' }).click();
  await dir.getByRole('link', { name: /Besluiten/ }).first().click();
  await dir.getByRole('heading', { name: 'Besluit' }).waitFor();
  await dir.getByLabel('Functie en mandaat').fill('directeur, gemandateerd door het college van bestuur');
  await dir.getByLabel(/Goedkeuren/).check();
  await dir.getByRole('button', { name: 'Besluit vastleggen' }).click();
  await dir.getByRole('heading', { name: 'Uitvoeren' }).waitFor();
  await check(dir, 'directie-lijst-goedgekeurd');
  await dir.getByRole('button', { name: /nu uitvoeren/ }).click();
  await dir.getByRole('status').waitFor();
  assert.match(await dir.getByRole('status').innerText(), /Uitgevoerd: 1 eenheid vernietigd/);
  await check(dir, 'directie-lijst-uitgevoerd');
  await dir.goto(base + '/bewaartermijnen/rapport');
  const report = await dir.locator('main').innerText();
  assert.match(report, /bewaartermijn verstreken/);
  assert.match(report, /directeur, gemandateerd door het college van bestuur/);
  assert.doesNotMatch(report, /Oud-Leerling|Lotte/);
  await check(dir, 'directie-rapport');
  await dir.context().close();

  const beheer = await newPage();
  await login(beheer, 'beheer@demo.grondslag.test');
  await beheer.getByRole('link', { name: 'Vernietigingslijsten' }).first().click();
  await beheer.getByRole('button', { name: 'Lijsten nu opstellen' }).click();
  await beheer.getByRole('status').waitFor();
  await check(beheer, 'beheer-vernietigingslijsten');
  await beheer.getByRole('link', { name: 'Rapport: wat is vernietigd' }).click();
  await beheer.getByRole('heading', { name: 'Rapport van vernietigingen' }).waitFor();
  await check(beheer, 'beheer-rapport');
  const resp = await beheer.goto(base + '/leerlingen');
  assert.equal(resp.status(), 403);
  await beheer.context().close();
});
