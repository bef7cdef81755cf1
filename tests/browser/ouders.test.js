// Browser test of the parents' portal (issue 16) in headless Chromium at 360 px: two parents
// with gezag sign in with an e-mail code, see the school's consent request for their child by
// name, each says yes; the jeugdhulpverlener, who could not open the child's page before, can at
// once; one parent withdraws and the page is closed again. axe-core (WCAG 2.1 A/AA) on every
// parent page, no horizontal scrolling at 360 px. The test starts its own `grondslag demo`.
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
import { login } from './login.js';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BIN = process.env.GRONDSLAG_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.resolve(process.env.SCHERMAFDRUKKEN || 'schermafdrukken');

let server, base, browser, workdir, askParents = [], demoOut = '';

before(async () => {
  assert.ok(BIN, 'GRONDSLAG_BIN moet naar de grondslag-binary wijzen');
  assert.ok(fs.existsSync(CHROMIUM), `Chromium niet gevonden op ${CHROMIUM} (apt-get install -y chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'grondslag-ouders-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  base = `http://127.0.0.1:${port}`;
  const today = new Date().toISOString().slice(0, 10);
  server = spawn(BIN, ['demo', '--adres', `127.0.0.1:${port}`, '--leerlingen', '300', '--peildatum', today], { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout.on('data', (d) => { out += d; });
  server.stderr.on('data', () => {});
  const deadline = Date.now() + 90_000;
  while (!out.includes('Grondslag luistert op')) {
    if (Date.now() > deadline) throw new Error('de demo start niet:\n' + out);
    if (server.exitCode !== null) throw new Error('de demo stopte:\n' + out);
    await new Promise((r) => setTimeout(r, 200));
  }
  demoOut = out;
  askParents = ((out.match(/Ouders met een open toestemmingsvraag \(regio [^)]*\): ([^\n]+)/) || [])[1] || '').trim().split(/\s+/).filter(Boolean);
  assert.equal(askParents.length, 2, 'de demo noemt niet twee ouders met een open toestemmingsvraag:\n' + out);
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

async function phone() {
  const ctx = await browser.newContext({ javaScriptEnabled: true, locale: 'nl-NL', viewport: { width: 360, height: 780 } });
  const page = await ctx.newPage();
  page.cspErrors = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.cspErrors.push(m.text()); });
  return page;
}

// check screenshots the page, runs axe-core (no violation may remain) and checks that nothing
// is wider than the 360 px screen.
async function check(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const msgs = res.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(msgs, [], `axe op ${name} (${page.url()}):\n${msgs.join('\n')}`);
  assert.deepEqual(page.cspErrors, [], `CSP-fouten op ${name}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${name} is ${width} px breed op een scherm van 360 px`);
}

async function parentLogin(page, email) {
  await page.goto(base + '/inloggen/ouder');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByRole('button', { name: 'Stuur mij een code' }).click();
  await page.waitForURL('**/inloggen/ouder/code');
  const mail = await (await browser.newContext()).newPage();
  await mail.goto(base + '/dev/postvak');
  const row = await mail.locator('tbody tr', { hasText: email }).first().innerText();
  const code = (row.match(/\b(\d{8})\b/) || [])[1];
  await mail.context().close();
  assert.ok(code, `geen code voor ${email} in het postvak`);
  await page.getByLabel('Code van 8 cijfers').fill(code);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL('**/start');
}

async function professional(email, purpose) {
  const ctx = await browser.newContext({ locale: 'nl-NL' });
  const page = await ctx.newPage();
  await login(page, base, email);
  await page.getByLabel('Ik werk nu voor het doel').first().selectOption(purpose);
  await page.getByRole('button', { name: 'Doel kiezen' }).first().click();
  await page.waitForLoadState();
  return page;
}

test('ouders geven online toestemming; de jeugdhulpverlener mag meteen, na intrekken niet meer', async () => {
  const [first, second] = askParents;
  const mother = await phone();
  await parentLogin(mother, first);
  await check(mother, 'ouder-start-360');
  const link = mother.getByRole('link', { name: /^Toestemmingen voor / }).first();
  const childName = (await link.innerText()).match(/^Toestemmingen voor (.+?):/)[1];
  await link.click();
  await mother.waitForURL(/\/toestemmingen\/kind\/[A-Za-z0-9_-]{22}$/);
  const childID = mother.url().match(/\/kind\/([A-Za-z0-9_-]{22})$/)[1];
  // The request is for the child, by name, in plain words; both parents are named.
  assert.match(await mother.locator('h1').innerText(), new RegExp(`Toestemmingen voor ${childName}`));
  const request = mother.locator('section.verzoek').first();
  const text = await request.innerText();
  for (const want of ['Wie vraagt het?', 'Waarom?', 'Welke gegevens?', 'Aan wie?', 'Jeugdhulp De Overkant', 'Hoe lang?', 'Tekstversie', 'Wat ontbreekt nog?']) {
    assert.ok(text.includes(want), `het verzoek noemt "${want}" niet:\n${text}`);
  }
  assert.doesNotMatch(text, /ouder:\d+/, 'een ouder wordt bij nummer genoemd');
  await check(mother, 'ouder-toestemmingsvraag-360');

  const jh = await professional('jeugdhulp@demo.grondslag.test', 'jeugdhulp');
  let resp = await jh.goto(`${base}/leerlingen/${childID}`);
  assert.equal(resp.status(), 404, 'de jeugdhulpverlener ziet het kind al vóór de toestemming');

  await request.getByRole('button', { name: 'Ja, ik geef toestemming' }).click();
  await mother.getByRole('status').waitFor();
  const missing = await mother.locator('section.verzoek').first().innerText();
  assert.match(missing, /Nog nodig: een ja van /);
  await check(mother, 'ouder-toestemming-een-van-twee-360');
  resp = await jh.goto(`${base}/leerlingen/${childID}`);
  assert.equal(resp.status(), 404, 'één ouder is voor jeugdhulp niet genoeg');

  const father = await phone();
  await parentLogin(father, second);
  await father.goto(`${base}/toestemmingen/kind/${childID}`);
  await father.locator('section.verzoek').first().getByRole('button', { name: 'Ja, ik geef toestemming' }).click();
  await father.getByText('De toestemming geldt vanaf nu').waitFor();
  await check(father, 'ouder-toestemming-gegeven-360');

  resp = await jh.goto(`${base}/leerlingen/${childID}`);
  assert.equal(resp.status(), 200, 'de toestemming geldt niet meteen');
  assert.match(await jh.locator('h1').innerText(), new RegExp(childName.split(' ')[0]));

  await mother.goto(`${base}/toestemmingen/kind/${childID}`);
  await mother.getByRole('button', { name: /^Toestemming intrekken/ }).first().click();
  await mother.getByText('De toestemming is ingetrokken').waitFor();
  await check(mother, 'ouder-toestemming-ingetrokken-360');
  resp = await jh.goto(`${base}/leerlingen/${childID}`);
  assert.equal(resp.status(), 404, 'na intrekken ziet de jeugdhulpverlener het kind nog');

  for (const p of [mother, father, jh]) await p.context().close();
});

// pupilLogin signs a pupil in with the e-mail code (the pupil's own account, issue 16).
async function pupilLogin(page, email) {
  await page.goto(base + '/inloggen/leerling');
  await check(page, 'leerling-inloggen-360');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByRole('button', { name: 'Stuur mij een code' }).click();
  await page.waitForURL('**/inloggen/leerling/code');
  const mail = await (await browser.newContext()).newPage();
  await mail.goto(base + '/dev/postvak');
  const row = await mail.locator('tbody tr', { hasText: email }).first().innerText();
  const code = (row.match(/\b(\d{8})\b/) || [])[1];
  await mail.context().close();
  assert.ok(code, `geen code voor ${email} in het postvak`);
  await page.getByLabel('Code van 8 cijfers').fill(code);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL('**/start');
}

// phoneProfessional signs a professional in on a 360 px screen.
async function phoneProfessional(email) {
  const page = await phone();
  await login(page, base, email);
  return page;
}

test('een leerling van 16 geeft zelf toestemming en wordt als leerling aangesproken', async () => {
  const email = (demoOut.match(/(leerling\d+@leerlingen\.demo\.grondslag\.test)/) || [])[1];
  assert.ok(email, 'de demo noemt geen leerlingaccount:\n' + demoOut);
  const pupil = await phone();
  await pupilLogin(pupil, email);
  await check(pupil, 'leerling-start-360');
  await pupil.getByRole('link', { name: /^Mijn toestemmingen/ }).click();
  await pupil.waitForURL(/\/toestemmingen\/kind\/[A-Za-z0-9_-]{22}$/);
  const id = pupil.url().match(/\/kind\/([A-Za-z0-9_-]{22})$/)[1];
  assert.equal(await pupil.locator('h1').innerText(), 'Mijn toestemmingen');
  const body = await pupil.locator('main').innerText();
  assert.doesNotMatch(body, /uw kind|ziet u|\(u\)/, 'de leerling wordt als ouder aangesproken');
  await check(pupil, 'leerling-toestemming-360');
  await pupil.locator('section.verzoek').first().getByRole('button', { name: 'Ja, ik geef toestemming' }).click();
  await pupil.getByText('Je antwoord is opgeslagen. De toestemming geldt vanaf nu').waitFor();
  await check(pupil, 'leerling-toestemming-gegeven-360');

  await pupil.goto(`${base}/leerlingen/${id}`);
  const own = await pupil.locator('main').innerText();
  assert.match(own, /over jou/);
  assert.doesNotMatch(own, /uw kind/, 'de eigen pagina van de leerling spreekt van "uw kind"');
  await check(pupil, 'leerling-gegevens-360');
  await pupil.goto(`${base}/inzage/leerling/${id}`);
  assert.equal(await pupil.locator('h1').innerText(), 'Jouw rechten');
  await check(pupil, 'leerling-rechten-360');
  await pupil.getByRole('button', { name: 'Verzoek versturen' }).click();
  await pupil.getByRole('status').waitFor();
  assert.match(await pupil.getByRole('status').innerText(), /Je verzoek is verstuurd naar \d+ organisatie/);
  await check(pupil, 'leerling-rechten-verstuurd-360');
  await pupil.context().close();
});

test('een ouder vraagt per organisatie; die antwoordt zelf, de FG ziet de termijnen', async () => {
  const [first] = askParents;
  const mother = await phone();
  await parentLogin(mother, first);
  await mother.getByRole('link', { name: /^Toestemmingen voor / }).first().click();
  await mother.waitForURL(/\/toestemmingen\/kind\/[A-Za-z0-9_-]{22}$/);
  const childID = mother.url().match(/\/kind\/([A-Za-z0-9_-]{22})$/)[1];
  await mother.goto(`${base}/inzage/leerling/${childID}`);
  const holders = await mother.locator('#wie-kop + p + ul').innerText();
  assert.match(holders, /Jeugdhulp De Overkant/, 'de jeugdhulp die gegevens kreeg staat niet bij wie gegevens heeft:\n' + holders);
  await check(mother, 'ouder-rechten-360');
  // Erasure without saying what: the error is at the field.
  await mother.getByLabel(/^wissen/).check();
  await mother.getByRole('button', { name: 'Verzoek versturen' }).click();
  await mother.locator('#toelichting-fout').waitFor();
  await check(mother, 'ouder-rechten-fout-360');
  await mother.getByLabel(/^Waar gaat het over/).fill('De notitie over onze scheiding');
  await mother.getByRole('button', { name: 'Verzoek versturen' }).click();
  await mother.getByRole('status').waitFor();
  assert.match(await mother.getByRole('status').innerText(), /verstuurd naar \d+ organisaties/);
  await check(mother, 'ouder-rechten-verstuurd-360');
  const exp = await mother.request.get(`${base}/inzage/leerling/${childID}/export.json`);
  assert.equal(exp.status(), 200);
  const doc = await exp.json();
  assert.ok(doc.verwerkingsverantwoordelijken.length >= 2, 'de export noemt niet elke organisatie');

  // The jeugdhulp answers for its own data: it refuses, with its reasons.
  const jh = await phoneProfessional('jeugdhulp@demo.grondslag.test');
  await jh.goto(`${base}/inzage`);
  const row = jh.locator('section.verzoek', { hasText: 'De notitie over onze scheiding' }).first();
  await row.waitFor();
  await check(jh, 'jeugdhulp-verzoeken-360');
  await row.getByLabel('Afgewezen').check();
  await row.getByLabel(/^Wat is gegeven/).fill('Wij moeten dit dossier bewaren (Jeugdwet art. 7.3.8).');
  await row.getByRole('button', { name: /^Afgehandeld/ }).click();
  await jh.waitForURL('**/inzage');
  await mother.reload();
  assert.match(await mother.locator('main').innerText(), /Afgewezen[\s\S]*Jeugdwet art\. 7\.3\.8[\s\S]*Autoriteit Persoonsgegevens/);

  const fg = await phoneProfessional('fg@demo.grondslag.test');
  await fg.goto(`${base}/inzage/fg`);
  await check(fg, 'fg-termijnen-360');
  for (const p of [mother, jh, fg]) await p.context().close();
});

test('de zorgcoördinator ziet het uploadveld voor het getekende formulier; een verkeerd bestand wordt bij het veld geweigerd', async () => {
  const zc = await phoneProfessional('zorg1@demo.grondslag.test');
  await zc.getByLabel('Ik werk nu voor het doel').first().selectOption({ label: 'Signalering en aanmelding casusoverleg' });
  await zc.getByRole('button', { name: 'Doel kiezen' }).first().click();
  await zc.waitForLoadState();
  await zc.goto(`${base}/leerlingen`);
  const href = await zc.locator('table tbody a').first().getAttribute('href');
  const id = href.match(/\/leerlingen\/([A-Za-z0-9_-]{22})/)[1];
  await zc.goto(`${base}/toestemmingen/leerling/${id}`);
  await check(zc, 'zorg-toestemming-vastleggen-360');
  await zc.getByLabel(/^Het getekende formulier/).setInputFiles({ name: 'formulier.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Dit is geen PDF.') });
  await zc.getByRole('button', { name: 'Toestemming vastleggen' }).click();
  await zc.locator('#bestand-fout').waitFor();
  assert.match(await zc.locator('#bestand-fout').innerText(), /geen PDF, JPEG of PNG/);
  await check(zc, 'zorg-toestemming-bestand-fout-360');
  await zc.context().close();
});
