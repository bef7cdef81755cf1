// Every page each role reaches, at a phone's width (360 px) and a desktop's (1280 px): sign in as
// every role of the demo, choose the first purpose the picker offers, follow every same-site link
// from the start page (at most two pages per URL shape, so a list of 400 pupils costs two), and on
// every page run axe-core (WCAG 2.0/2.1 A and AA, no violation allowed) and check that the page
// does not scroll sideways (issue 15 item 9). The test starts `grondslag demo` itself.
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
const WIDTHS = [360, 1280];
const PER_SHAPE = 2;
const MAX_PAGES = 40;

let server, base, browser, workdir;

before(async () => {
  assert.ok(BIN, 'GRONDSLAG_BIN moet naar de grondslag-binary wijzen');
  assert.ok(fs.existsSync(CHROMIUM), `Chromium niet gevonden op ${CHROMIUM} (apt-get install -y chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'grondslag-rollen-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  base = `http://127.0.0.1:${port}`;
  const today = new Date().toISOString().slice(0, 10);
  server = spawn(BIN, ['demo', '--adres', `127.0.0.1:${port}`, '--leerlingen', '400', '--peildatum', today], { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout.on('data', (d) => { out += d; });
  server.stderr.on('data', () => {});
  const deadline = Date.now() + 120_000;
  while (!out.includes('Grondslag luistert op')) {
    if (Date.now() > deadline) throw new Error('de demo start niet:\n' + out);
    if (server.exitCode !== null) throw new Error('de demo stopte:\n' + out);
    await new Promise((r) => setTimeout(r, 200));
  }
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

// check runs axe-core and the sideways-scroll check on the page as it is now.
async function check(page, label) {
  const problems = [];
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  for (const v of res.violations) {
    problems.push(`${label}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }
  const wide = await page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth + 1) return null;
    const w = root.clientWidth;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 1 && r.width > 0) {
        const inScroller = el.closest('.schuif');
        if (!inScroller) culprits.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
      }
      if (culprits.length >= 3) break;
    }
    return `${root.scrollWidth} px breed bij ${w} px (${culprits.join(', ')})`;
  });
  if (wide) problems.push(`${label}: schuift opzij: ${wide}`);
  return problems;
}

function shape(u) {
  return u.replace(/[A-Za-z0-9_-]{20,}/g, 'ID').replace(/\d+/g, 'N');
}

const SKIP = /^\/(uitloggen|static\/|api\/|dev\/)|\.(csv|json|pdf|png|xlsx)(\?|$)|\/(export|bewijs|auditbewijs|download)/;

async function loginAndWalk(email, role) {
  const ctx = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await login(page, base, email);
  // The first purpose the picker offers, if it offers any.
  const picker = page.getByLabel('Ik werk nu voor het doel');
  if (await picker.count()) {
    const first = await picker.first().locator('option').first().getAttribute('value');
    await picker.first().selectOption(first);
    await page.getByRole('button', { name: 'Doel kiezen' }).first().click();
    await page.waitForURL('**/start');
  }
  const problems = [];
  const seen = new Set();
  const shapes = new Map();
  const queue = ['/start'];
  let visited = 0;
  while (queue.length && visited < MAX_PAGES) {
    const p = queue.shift();
    if (seen.has(p)) continue;
    seen.add(p);
    const sh = shape(p);
    if ((shapes.get(sh) || 0) >= PER_SHAPE) continue;
    shapes.set(sh, (shapes.get(sh) || 0) + 1);
    const head = await ctx.request.get(base + p, { maxRedirects: 0 });
    if (!(head.headers()['content-type'] || '').startsWith('text/html') || head.status() >= 300) continue;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(base + p);
    visited++;
    const name = `${role}-${visited}`;
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w, height: w === 360 ? 740 : 900 });
      problems.push(...await check(page, `${role} ${w}px ${p}`));
      if (w === 360) await page.screenshot({ path: path.join(SHOTS, `${name}-360.png`), fullPage: true });
    }
    const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')));
    for (const h of hrefs) {
      if (!h || h.startsWith('#') || h.startsWith('mailto:') || /^[a-z]+:/.test(h)) continue;
      const u = new URL(h, base + p);
      if (u.origin !== base) continue;
      const rel = u.pathname + u.search;
      if (SKIP.test(rel) || seen.has(rel)) continue;
      queue.push(rel);
    }
  }
  await ctx.close();
  return { problems, visited };
}

const ROLES = [
  ['zorg1@demo.grondslag.test', 'zorgcoordinator'],
  ['mentor1@demo.grondslag.test', 'mentor'],
  ['directie1@demo.grondslag.test', 'directeur'],
  ['leerplicht1@demo.grondslag.test', 'leerplicht'],
  ['swv@demo.grondslag.test', 'swv-consulent'],
  ['oco@demo.grondslag.test', 'onderwijsconsulent'],
  ['jeugdarts@demo.grondslag.test', 'jeugdarts'],
  ['jeugdhulp@demo.grondslag.test', 'jeugdhulpverlener'],
  ['fg@demo.grondslag.test', 'fg'],
  ['beheer@demo.grondslag.test', 'beheerder'],
];

for (const [email, role] of ROLES) {
  test(`${role}: elke pagina op 360 en 1280 px, axe zonder fouten, niet opzij schuiven`, async () => {
    const { problems, visited } = await loginAndWalk(email, role);
    assert.ok(visited >= 2, `${role}: maar ${visited} pagina's bereikt`);
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}
