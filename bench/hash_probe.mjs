// hash_probe.mjs — 20 clients log in with access codes in a loop (each login is one
// Argon2id verification on portier's workers) while a probe asks /healthz every 10 ms;
// prints the probe's latency percentiles and the login rate.
const [base, secondsArg, hashMsArg, coresArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 10);
const CLIENTS = 20;
const deadline = Date.now() + seconds * 1000;

function cookieOf(res, jar) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const [k, v] = pair.split('=');
    jar[k] = v;
  }
}
const header = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

async function loginLoop(counter) {
  while (Date.now() < deadline) {
    const jar = {};
    const page = await fetch(`${base}/login`, { redirect: 'manual' });
    cookieOf(page, jar);
    const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)[1];
    const body = new URLSearchParams({ _csrf: csrf, username: 'jan.peeters',
      password: 'Demo-portier-2026', next: '/' });
    const res = await fetch(`${base}/login/password`, { method: 'POST', body, redirect: 'manual',
      headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded' } });
    await res.arrayBuffer();
    if (res.status !== 303) throw new Error(`login answered ${res.status}`);
    counter.n++;
  }
}

async function probe(samples) {
  while (Date.now() < deadline) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/healthz`);
    await res.text();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const counter = { n: 0 };
const samples = [];
const start = Date.now();
await Promise.all([probe(samples), ...Array.from({ length: CLIENTS }, () => loginLoop(counter))]);
const elapsed = (Date.now() - start) / 1000;
samples.sort((a, b) => a - b);
const pct = (p) => samples[Math.min(samples.length - 1, Math.floor(p / 100 * samples.length))];
console.log(`logins: ${counter.n} in ${elapsed.toFixed(1)} s = ${(counter.n / elapsed).toFixed(1)} logins/s (${CLIENTS} concurrent clients)`);
const hashMs = Number(hashMsArg || 0);
if (hashMs > 0) {
  const limit = Number(coresArg || 2) * 1000 / hashMs;
  console.log(`one Argon2id hash: ${hashMs.toFixed(1)} ms; limit of this machine: ${limit.toFixed(1)} logins/s; achieved ${(100 * counter.n / elapsed / limit).toFixed(0)} % of it (target >= 85 %)`);
}
console.log(`/healthz during logins: n=${samples.length} p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${samples[samples.length - 1].toFixed(2)} ms (target p99 < 20 ms: ${pct(99) < 20 ? 'met' : 'NOT met'})`);
