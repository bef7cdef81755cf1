// Signing in to the demo for the browser tests (grondslag.test.js, ouders.test.js,
// rollen.test.js): the password and the TOTP code computed from the demo's derived secret
// (RFC 6238, SHA-1, 30 s, 6 digits). One module, so every test file waits the same way when a
// code was just used: the server accepts a TOTP code once (a replay is refused), so a second
// sign-in of the same account within one 30-second period waits for the next period.
import crypto from 'node:crypto';

export const PASSWORD = 'demo-wachtwoord-grondslag';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0, value = 0, out = '';
  for (const b of buf) {
    value = (value << 8) | b; bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
function unbase32(s) {
  let bits = 0, value = 0; const out = [];
  for (const c of s.replace(/=+$/, '')) {
    value = (value << 5) | B32.indexOf(c); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

// demoSecret is the TOTP secret the demo derives for an account's e-mail address.
export function demoSecret(email) {
  return base32(crypto.createHmac('sha256', 'grondslag-demo-totp').update(email.trim().toLowerCase()).digest()).slice(0, 32);
}

// totp is the code of a base32 secret at time ms.
export function totp(secret, ms = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const h = crypto.createHmac('sha1', unbase32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String(((h.readUInt32BE(o) & 0x7fffffff) % 1e6)).padStart(6, '0');
}

const PERIOD = 30000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// used holds, per secret, the last 30-second period whose code was submitted from this process.
const used = new Map();

// freshCode returns a code of a period not yet used for this secret, waiting for the next period
// when the current one's code was already submitted.
async function freshCode(secret) {
  const period = Math.floor(Date.now() / PERIOD);
  if (used.get(secret) === period) await sleep(PERIOD - (Date.now() % PERIOD) + 1000);
  const now = Date.now();
  used.set(secret, Math.floor(now / PERIOD));
  return totp(secret, now);
}

// login signs a professional in on page: e-mail and password, then the TOTP code, and waits for
// the start page. check(name), when given, is called on the password form ('inloggen') and on
// the code form ('tweede-stap'). A code refused anyway (another process used it, or the clock
// crossed a period boundary) is retried twice in the next periods.
export async function login(page, base, email, { check } = {}) {
  await page.goto(base + '/inloggen');
  if (check) await check('inloggen');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL('**/inloggen/mfa');
  if (check) await check('tweede-stap');
  const secret = demoSecret(email);
  for (let attempt = 0; ; attempt++) {
    await page.getByLabel('Code van 6 cijfers').fill(await freshCode(secret));
    await page.getByRole('button', { name: 'Verder' }).click();
    try {
      await page.waitForURL('**/start', { timeout: 10000 });
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
      used.set(secret, Math.floor(Date.now() / PERIOD));
    }
  }
}
