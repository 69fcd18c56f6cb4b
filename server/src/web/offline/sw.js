// Cassiopée's service worker, served at /sw.js by the server, which fills in the build's
// version and the files to keep (server/src/web/static_files.rs).
//
// - Pages: network first (8 s at most). The officer's own pages (« Mes formations », « Mon
//   programme », the sessions, the catalogue, the notifications) are kept, per account, for
//   reading offline; when the network or the server fails, the kept copy is shown, marked for
//   the page script (public/hors-ligne.js) to show « Hors ligne — données du … » and disable
//   the actions; a page never kept gives the French offline page.
// - Files whose name changes with their content (/pkg/…, /dsfr/<version>/…): cache first.
// - Server functions (/api/…) and anything that is not a GET: never cached.
// - One account at a time: every page answer names its account (x-cassiopee-compte: u<id>,
//   or "-" for nobody); another account, or nobody, removes the kept pages first. Logging out
//   removes them too, even offline.
// - A new build is a new version: its worker takes over at once, takes the kept pages over
//   (asking the network for them again) and removes the old caches, so an old wasm never meets
//   new HTML.
"use strict";

const VERSION = "__CASSIOPEE_VERSION__";
const PRECACHE = __CASSIOPEE_PRECACHE__;
const ASSETS = `cassiopee-assets-${VERSION}`;
const PAGES = `cassiopee-pages-${VERSION}-`;
const ACCOUNT = "x-cassiopee-compte";
const NOBODY = "-";
const KEPT_AT = "x-cassiopee-copie-du";
const WAIT_FOR_NETWORK_MS = 8000;
const READABLE = [
  /^\/mes-formations$/,
  /^\/mon-programme$/,
  /^\/sessions\/\d+$/,
  /^\/formations$/,
  /^\/notifications$/,
];
const SITE_FILES = [/^\/hors-ligne\.js$/, /^\/manifest\.webmanifest$/, /^\/icons\//, /^\/favicon\.ico$/];

// Bumped by every removal of all pages (logout): a page fetched before it is not kept after it.
let generation = 0;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(ASSETS)
      .then((cache) =>
        // One missing file must not leave the phone without offline reading: each on its own.
        Promise.allSettled(
          PRECACHE.map((url) =>
            // Files named after their content come from the browser's cache when the page
            // just loaded them (no second download); the others are checked with the server.
            fetch(new Request(url, { cache: immutable(url) ? "default" : "no-cache" })).then(
              (answer) => (answer.ok ? cache.put(url, answer) : undefined),
            ),
          ),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

function immutable(url) {
  return url.startsWith("/pkg/") || url.startsWith("/dsfr/");
}

self.addEventListener("activate", (event) => {
  event.waitUntil(takeOver().then(() => self.clients.claim()));
});

/** Takes the pages kept by an older version over (fresh from the network), then removes every
 * cache of the older versions. */
async function takeOver() {
  const names = (await caches.keys()).filter((name) => name.startsWith("cassiopee-"));
  const old = names.filter((name) => name !== ASSETS && !name.startsWith(PAGES));
  for (const name of old.filter((n) => n.startsWith("cassiopee-pages-"))) {
    const account = name.slice(name.lastIndexOf("-") + 1);
    const cache = await caches.open(name);
    const kept = await cache.keys();
    await Promise.allSettled(
      kept.map(async (request) => {
        const answer = await fetchInTime(new Request(request.url, { redirect: "manual" }));
        if (keepable(answer) && answer.headers.get(ACCOUNT) === account) {
          await keep(account, request.url, answer);
        }
      }),
    );
  }
  await Promise.all(old.map((name) => caches.delete(name)));
}

self.addEventListener("message", (event) => {
  if (event.data === "version" && event.ports[0]) {
    event.ports[0].postMessage(VERSION);
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (request.method === "POST" && url.pathname === "/api/deconnexion") {
      event.respondWith(logout(request));
    }
    return;
  }
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") {
    return;
  }
  if (url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/dsfr/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event, request, url));
    return;
  }
  if (SITE_FILES.some((path) => path.test(url.pathname))) {
    event.respondWith(networkThenCache(request));
  }
});

/** Logging out forgets the kept pages first, then asks the server; offline, the pages are
 * forgotten all the same and the login page is shown. */
async function logout(request) {
  await forgetPages(null);
  try {
    return await fetch(request);
  } catch (error) {
    return Response.redirect("/connexion", 303);
  }
}

/** An answer of this site to keep: complete, not a redirection, not an error. */
function keepable(answer) {
  return answer.status === 200 && answer.type === "basic" && !answer.redirected;
}

async function fetchInTime(request) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), WAIT_FOR_NETWORK_MS);
  try {
    return await fetch(request, { signal: abort.signal });
  } finally {
    clearTimeout(timer);
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(ASSETS);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const answer = await fetch(request);
  if (keepable(answer)) {
    await cache.put(request, answer.clone()).catch(() => {});
  }
  return answer;
}

/** The site's other files (the page script, the manifest, the icons): fresh when possible. */
async function networkThenCache(request) {
  const cache = await caches.open(ASSETS);
  try {
    const answer = await fetch(request);
    if (keepable(answer)) {
      await cache.put(request, answer.clone()).catch(() => {});
    }
    return answer;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) {
      return kept;
    }
    throw error;
  }
}

/** The address a page is kept under: the catalogue with its filters and page, the others
 * without their query (a one-time error message, say). */
function keyOf(url) {
  return url.pathname === "/formations" ? url.href : url.origin + url.pathname;
}

async function page(event, request, url) {
  const readable = READABLE.some((path) => path.test(url.pathname));
  const before = generation;
  let answer;
  try {
    answer = await fetchInTime(request);
  } catch (error) {
    return offline(url);
  }
  if (answer.type !== "basic" || answer.status >= 500) {
    // A redirection (its headers are hidden from workers), or the server or a proxy failing:
    // nothing is learnt about the account; a readable page falls back to its copy.
    if (answer.status >= 500 && readable) {
      const copy = await copyOf(url);
      if (copy) {
        return copy;
      }
    }
    return answer;
  }
  const account = answer.headers.get(ACCOUNT);
  if (account) {
    // Copied now: the answer's body goes to the page.
    const copy = account !== NOBODY && readable && keepable(answer) ? answer.clone() : null;
    const work = forgetPages(account === NOBODY ? null : account).then(() => {
      if (copy && generation === before) {
        return keep(account, keyOf(url), copy);
      }
    });
    event.waitUntil(work.catch(() => {}));
  }
  return answer;
}

/** Keeps a copy of a page for its account, with the moment it was read, without the one-time
 * message it may show. */
async function keep(account, key, answer) {
  const headers = new Headers(answer.headers);
  headers.set(KEPT_AT, new Date().toISOString());
  headers.delete("content-length");
  headers.delete("content-encoding");
  const html = (await answer.text()).replace(/<div[^>]* id="message"[^>]*>.*?<\/div>/s, "");
  const cache = await caches.open(PAGES + account);
  await cache.put(key, new Response(html, { status: 200, headers }));
}

/** Removes the pages kept for any account but `account` (for every account when null). */
async function forgetPages(account) {
  if (account === null) {
    generation += 1;
  }
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith("cassiopee-pages-"))
      .filter((name) => account === null || name !== PAGES + account)
      .map((name) => caches.delete(name)),
  );
}

/** The kept copy of a page, marked as such, or null. */
async function copyOf(url) {
  const names = (await caches.keys()).filter((name) => name.startsWith(PAGES));
  for (const name of names) {
    const kept = await (await caches.open(name)).match(keyOf(url));
    if (kept) {
      return marked(kept);
    }
  }
  return null;
}

async function offline(url) {
  return (await copyOf(url)) || offlinePage((await caches.keys()).some((n) => n.startsWith(PAGES)));
}

/** The copy, with the moment it was read on <html>: the page script shows the banner and
 * disables the actions. */
async function marked(kept) {
  const iso = kept.headers.get(KEPT_AT) || new Date().toISOString();
  const html = (await kept.text()).replace(/<html([^>]*)>/, `<html$1 data-cas-offline="${iso}">`);
  return new Response(html, { status: 200, headers: kept.headers });
}

function offlinePage(hasPages) {
  const links = hasPages
    ? `<p>Les pages déjà consultées sur cet appareil restent lisibles :</p>` +
      `<ul><li><a href="/mes-formations">Mes formations</a></li>` +
      `<li><a href="/mon-programme">Mon programme</a></li></ul>`
    : `<p>Aucune page n'a encore été consultée sur cet appareil.</p>`;
  const html =
    `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>Hors ligne – Cassiopée</title>` +
    `<style>body{font-family:system-ui,sans-serif;margin:0;color:#161616}` +
    `header{background:#000091;color:#fff;padding:1rem 1.5rem;font-weight:700}` +
    `main{padding:1.5rem;max-width:40rem}a{color:#000091}</style></head>` +
    `<body><header>Cassiopée</header><main id="contenu">` +
    `<h1>Hors ligne</h1><p>Cette page n'est pas disponible sans réseau.</p>${links}` +
    `<p>Elle s'affichera dès le retour du réseau : rechargez alors la page.</p>` +
    `</main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
