// Crash safety over HTTP, against the release binary on PostgreSQL (scripts/crash-test.sh
// prepares the database and the officers, then runs this):
//
// 1. SIGKILL under load, KILLS times: officers enrol and withdraw in a few small sessions, each
//    officer one request at a time; the server is killed at a random moment, restarted, and the
//    load goes on. At the end every change the server acknowledged (a 200 answer) must be in
//    the database, and `cassiopee check` must find every rule of product §3 kept.
// 2. SIGTERM: logins queued behind the password checks are in flight when the server is told to
//    stop: every one of them is answered, a new connection is refused, the process exits with
//    status 0, and no email is left claimed and unmarked.
// 3. PostgreSQL stopped for a while (PG_STOP and PG_START, commands): a logged-in page and a
//    server function answer a French 503 with Retry-After, /readyz says not ready; once it is
//    back the pages answer again, and an email that fell due meanwhile is sent.
//
//   PG_STOP=… PG_START=… node scripts/crash-test.mjs BIN DATABASE_URL OFFICERS_FILE
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync, appendFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [bin, databaseUrl, officersFile] = process.argv.slice(2);
const PORT = 3196;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = "Crash-motdepasse";
const KILLS = 3;
const work = mkdtempSync(join(tmpdir(), "cassiopee-crash-"));
const log = join(work, "server.log");
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
  CASSIOPEE_MAIL_DIR: join(work, "courriels"),
  RUST_LOG: "warn",
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (message) => {
  console.error(`[crash] FAILED: ${message}`);
  console.error(`[crash] server log: ${log}`);
  process.exit(1);
};
const sql = (query) => execFileSync("psql", [databaseUrl, "-XAtqc", query], { encoding: "utf8" }).trim();

function start() {
  const child = spawn(bin, ["serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => appendFileSync(log, d));
  child.stderr.on("data", (d) => appendFileSync(log, d));
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return child;
}

async function ready() {
  for (let i = 0; i < 150; i += 1) {
    try {
      if ((await fetch(`${BASE}/readyz`)).ok) return;
    } catch {}
    await sleep(100);
  }
  fail("the server did not become ready");
}

async function login(email) {
  const answer = await fetch(`${BASE}/api/connexion`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, accept: "text/html" },
    body: new URLSearchParams({ email, password: PASSWORD, next: "" }),
  });
  const cookie = (answer.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("cassiopee_session="));
  return { status: answer.status, cookie };
}

const officers = readFileSync(officersFile, "utf8").split("\n").filter(Boolean);
const sessions = sql(
  `SELECT id FROM sessions WHERE status = 'publiee' AND enrolment_deadline > now()
   ORDER BY starts_at LIMIT 4`,
)
  .split("\n")
  .filter(Boolean)
  .map(Number);
if (sessions.length < 2) fail("fewer than two open sessions in the demo data");

// --- 1. SIGKILL under load -----------------------------------------------------------------
let server = start();
await ready();
const cookies = new Map();
for (let i = 0; i < officers.length; i += 8) {
  await Promise.all(
    officers.slice(i, i + 8).map(async (email) => {
      const { cookie } = await login(email);
      if (!cookie) fail(`login refused for ${email}`);
      cookies.set(email, cookie);
    }),
  );
}
const idOf = new Map(
  sql(`SELECT email, id FROM users WHERE email LIKE 'crash-%'`)
    .split("\n")
    .map((l) => l.split("|"))
    .map(([email, id]) => [email, Number(id)]),
);

// (officer, session) → "in" / "out" as last acknowledged, or "uncertain" when a request got no
// answer (the kill may have come before or after its commit).
const acknowledged = new Map();
let acks = 0;
let unanswered = 0;
let running = true;

async function officerLoop(email) {
  const cookie = cookies.get(email);
  while (running) {
    const session = sessions[Math.floor(Math.random() * sessions.length)];
    const key = `${idOf.get(email)}:${session}`;
    const state = acknowledged.get(key);
    // Unsure of a place (its request died with the server), either action may be refused:
    // try one or the other until an answer says where it stands.
    const want = state === "uncertain" ? (Math.random() < 0.5 ? "in" : "out") : state === "in" ? "out" : "in";
    const actions = want === "in" ? ["Enrol"] : ["Withdraw", "LeaveWaitlist"];
    for (const action of actions) {
      let answer;
      try {
        answer = await fetch(`${BASE}/api/place`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, cookie },
          body: new URLSearchParams({ session_id: String(session), action }),
        });
      } catch {
        // No answer: the server is down, or died with this request in hand.
        unanswered += 1;
        acknowledged.set(key, "uncertain");
        await sleep(50);
        break;
      }
      const text = await answer.text().catch(() => null);
      if (text === null) {
        unanswered += 1;
        acknowledged.set(key, "uncertain");
        break;
      }
      if (answer.status === 200) {
        const done = JSON.parse(text);
        const live = done.place.mine === "Inscrit" || done.place.mine === "ListeAttente";
        acknowledged.set(key, live ? "in" : "out");
        acks += 1;
        break;
      }
      // A refusal (4xx: full and closed, overlapping, not the right action) changed nothing.
    }
  }
}

const loops = officers.map((email) => officerLoop(email));
for (let kill = 1; kill <= KILLS; kill += 1) {
  await sleep(1500 + Math.random() * 1500);
  server.kill("SIGKILL");
  await server.exited;
  console.log(`[crash] kill ${kill}: SIGKILL after ${acks} acknowledged changes`);
  await sleep(300);
  server = start();
  await ready();
}
await sleep(1500);
running = false;
await Promise.all(loops);

// Every acknowledged change is in the database.
const live = new Set(
  sql(`SELECT officer_id || ':' || session_id FROM enrolments
       WHERE status IN ('inscrit', 'liste_attente')`)
    .split("\n")
    .filter(Boolean),
);
let checked = 0;
let lost = 0;
for (const [key, state] of acknowledged) {
  if (state === "uncertain") continue;
  checked += 1;
  if ((state === "in") !== live.has(key)) {
    lost += 1;
    console.error(`[crash] acknowledged ${state} but not so in the database: officer:session ${key}`);
  }
}
if (lost > 0) fail(`${lost} acknowledged changes lost`);
console.log(
  `[crash] ${acks} changes acknowledged, ${unanswered} requests unanswered by a dying server; ` +
    `${checked} last acknowledged states checked, 0 lost`,
);

// --- 2. SIGTERM with requests in flight ------------------------------------------------------
const inFlight = officers.slice(0, 16).map((email) => login(email).catch((e) => ({ error: String(e) })));
await sleep(100);
const stopAsked = Date.now();
server.kill("SIGTERM");
await sleep(100);
let refused = false;
try {
  await fetch(`${BASE}/connexion`, { headers: { connection: "close" } });
} catch {
  refused = true;
}
const answers = await Promise.all(inFlight);
const { code, signal } = await server.exited;
const seconds = ((Date.now() - stopAsked) / 1000).toFixed(1);
const answered = answers.filter((a) => a.status === 302 && a.cookie).length;
if (answered !== answers.length) {
  fail(`SIGTERM: ${answered} of ${answers.length} logins in flight answered: ${JSON.stringify(answers)}`);
}
if (!refused) fail("SIGTERM: a new connection was still accepted after the stop");
if (code !== 0) fail(`SIGTERM: exit status ${code} (signal ${signal})`);
// Claims left by the killed servers wait to be taken over (mailer: STALE_CLAIM); none of this
// one's, whose name ends with its process id.
const claimed = sql(
  `SELECT count(*) FROM email_outbox WHERE status = 'envoi' AND claimed_by LIKE '%-${server.pid}:%'`,
);
if (claimed !== "0") fail(`SIGTERM: ${claimed} emails left claimed and unmarked`);
console.log(
  `[crash] SIGTERM: ${answered} logins in flight answered, new connections refused, ` +
    `exit 0 in ${seconds} s, no email left half-sent`,
);

// --- 3. the database away for a while ---------------------------------------------------------
server = start();
await ready();
const visitor = await login(officers[0]);
const page = (path) => fetch(`${BASE}${path}`, { headers: { cookie: visitor.cookie }, redirect: "manual" });
if ((await page("/mes-formations")).status !== 200) fail("outage: the page does not answer before");
// An email that falls due while the database is away.
sql(`INSERT INTO email_outbox (recipient, subject, body_text, body_html, status, attempts,
       next_attempt_at, created_at)
     VALUES ('panne@mirvog.demo', 'Pendant la panne', 'Texte', '<p>Texte</p>', 'en_attente', 0,
       now() + interval '3 seconds', now())`);
execFileSync("sh", ["-c", process.env.PG_STOP], { stdio: "inherit" });
const down = await page("/mes-formations");
const downText = await down.text();
if (down.status !== 503 || !downText.includes("momentanément indisponible") || !down.headers.get("retry-after")) {
  fail(`outage: the page answered ${down.status}: ${downText.slice(0, 200)}`);
}
const write = await fetch(`${BASE}/api/place`, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, cookie: visitor.cookie },
  body: new URLSearchParams({ session_id: String(sessions[0]), action: "Enrol" }),
});
const writeText = await write.text();
if (write.status !== 503 || !writeText.includes("Unavailable")) {
  fail(`outage: a server function answered ${write.status}: ${writeText.slice(0, 200)}`);
}
if ((await fetch(`${BASE}/readyz`)).status !== 503) fail("outage: /readyz still says ready");
await sleep(4000);
execFileSync("sh", ["-c", process.env.PG_START], { stdio: "inherit" });
const back = Date.now();
let recovered = false;
while (Date.now() - back < 20000) {
  if ((await page("/mes-formations").catch(() => ({ status: 0 }))).status === 200) {
    recovered = true;
    break;
  }
  await sleep(200);
}
if (!recovered) fail("outage: the page did not answer again within 20 s of the database's return");
const recoveredIn = ((Date.now() - back) / 1000).toFixed(1);
let sentAfter = false;
while (Date.now() - back < 30000) {
  if (sql(`SELECT status FROM email_outbox WHERE recipient = 'panne@mirvog.demo'`) === "envoye") {
    sentAfter = true;
    break;
  }
  await sleep(250);
}
if (!sentAfter) fail("outage: the email due during the outage was not sent after it");
console.log(
  `[crash] database away 4 s: pages and server functions answered 503 in French, ` +
    `pages back ${recoveredIn} s after its return, the email due meanwhile sent`,
);
server.kill("SIGTERM");
await server.exited;

// --- the rules of product §3, read by the operator's command ---------------------------------
try {
  execFileSync(bin, ["check"], { env, stdio: "inherit" });
} catch {
  fail("cassiopee check found broken rules");
}
const figures =
  `${KILLS} kills survived, ${checked} acknowledged enrolment changes checked, 0 lost; ` +
  `SIGTERM answered ${answered} requests in flight; a 4 s database outage survived`;
console.log(`CRASH: ${figures}`);
if (process.env.CASSIOPEE_FIGURES) {
  mkdirSync(process.env.CASSIOPEE_FIGURES, { recursive: true });
  appendFileSync(join(process.env.CASSIOPEE_FIGURES, "crash.txt"), `${figures}\n`);
}
