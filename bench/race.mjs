// The enrolment race over HTTP (bench/run.sh): logs the officers listed in a file in (a few at
// a time: each login is a password check), then sends every « S'inscrire » of one session at
// once and prints how long it took and what the answers said.
//   node bench/race.mjs BASE_URL SESSION_ID FILE_OF_EMAILS
import { readFileSync } from "node:fs";

const [base, session, file] = process.argv.slice(2);
const emails = readFileSync(file, "utf8").split("\n").filter(Boolean);
const PASSWORD = "Cassiopee2026!";

async function login(email) {
  const answer = await fetch(`${base}/api/connexion`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base, accept: "text/html" },
    body: new URLSearchParams({ email, password: PASSWORD, next: "" }),
  });
  const cookie = (answer.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("cassiopee_session="));
  if (!cookie) throw new Error(`login refused for ${email} (${answer.status})`);
  return cookie;
}

const started = Date.now();
const cookies = [];
for (let i = 0; i < emails.length; i += 8) {
  cookies.push(...(await Promise.all(emails.slice(i, i + 8).map(login))));
}
console.log(`${cookies.length} officers logged in in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const raceStart = Date.now();
const answers = await Promise.all(
  cookies.map(async (cookie) => {
    try {
      const answer = await fetch(`${base}/api/place`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: base, cookie },
        body: new URLSearchParams({ session_id: session, action: "Enrol" }),
      });
      return { status: answer.status, text: await answer.text() };
    } catch (error) {
      return { status: 0, text: String(error) };
    }
  }),
);
const seconds = (Date.now() - raceStart) / 1000;
let confirmed = 0;
let errors = 0;
const positions = new Set();
let waitlisted = 0;
for (const a of answers) {
  if (a.status !== 200) {
    errors += 1;
    continue;
  }
  const position = /position (\d+)/.exec(a.text);
  if (position) {
    waitlisted += 1;
    positions.add(position[1]);
  } else if (/confirm/.test(a.text)) {
    confirmed += 1;
  } else {
    errors += 1;
  }
}
console.log(
  `${answers.length} enrolments at once in ${seconds.toFixed(2)} s: ${confirmed} confirmed, ` +
    `${waitlisted} waitlisted with ${positions.size} distinct positions, ${errors} errors`,
);
if (errors > 0) {
  const sample = answers.find((a) => a.status !== 200);
  if (sample) console.log(`first error: ${sample.status} ${sample.text.slice(0, 200)}`);
}
