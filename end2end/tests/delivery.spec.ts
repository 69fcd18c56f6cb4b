// What a phone downloads (issue 12), on the release build: pages, the wasm and the DSFR go out
// compressed; the bundle (hashed names) and the DSFR (under its version) are kept a year;
// pages never; the app is installable.
import { type Request } from "@playwright/test";
import { expect, test } from "./fixtures";
import { BASE_URL, PHONE } from "../phone";
import { loginByApi, officer, waitForHydration } from "./helpers";

const YEAR = "public, max-age=31536000, immutable";

test("a page, the wasm and a DSFR file are compressed and kept as long as their names allow", async ({
  request,
}) => {
  const page = await request.get("/connexion", { headers: { "accept-encoding": "br, gzip" } });
  expect(page.status()).toBe(200);
  expect(page.headers()["content-encoding"]).toBe("br");
  expect(page.headers()["cache-control"]).toBe("private, no-store");
  const html = await page.text();

  const wasm = /["'](\/pkg\/[^"']+\.wasm)["']/.exec(html)?.[1];
  const css = /href="(\/pkg\/[^"]+\.css)"/.exec(html)?.[1];
  // The one stylesheet holds the DSFR rules the app uses; its fonts stay under /dsfr/<version>/.
  const stylesheet = css ? await (await request.get(css)).text() : "";
  expect(stylesheet).toContain(".fr-btn");
  const dsfr = /url\((\/dsfr\/[\d.]+\/fonts(?:-fr\d+)?\/Marianne-Regular\.woff2)\)/.exec(stylesheet)?.[1];
  for (const [what, url] of [["wasm", wasm], ["css", css], ["dsfr", dsfr]]) {
    expect(url, `the ${what} address in the page`).toBeTruthy();
    // Hashed: cassiopee.<hash>.wasm, not cassiopee.wasm.
    if (what !== "dsfr") expect(url!).toMatch(/\/pkg\/cassiopee\.[^./]+\.(wasm|css)$/);
    const file = await request.get(url!, { headers: { "accept-encoding": "br, gzip" } });
    expect(file.status(), url).toBe(200);
    expect(file.headers()["content-encoding"], url).toBe("br");
    expect(file.headers()["cache-control"], url).toBe(YEAR);
  }

  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const app = await manifest.json();
  expect(app.short_name).toBe("Cassiopée");
  expect(app.start_url).toBe("/mes-formations");
  expect(app.display).toBe("standalone");
  for (const icon of app.icons) {
    expect((await request.get(icon.src)).status(), icon.src).toBe(200);
  }
  const worker = await request.get("/sw.js");
  expect(worker.status()).toBe(200);
  expect(worker.headers()["cache-control"]).toBe("no-cache");
  expect(worker.headers()["content-type"]).toContain("javascript");
});

test("a first visit to /formations transfers at most 300 KB, fonts included, and a second at most 40 KB", async ({
  browser,
}) => {
  const context = await browser.newContext({ ...PHONE, baseURL: BASE_URL });
  try {
    const page = await context.newPage();
    // Logged in without loading a page: the visit below starts with an empty cache.
    await loginByApi(page, officer(9));

    // What went over the network: the page's requests and the service worker's (which
    // installs during the first visit), not the answers the worker gave from its cache.
    const visit = async () => {
      const requests: Request[] = [];
      const listen = (r: Request) => requests.push(r);
      context.on("requestfinished", listen);
      await page.goto("/formations");
      await waitForHydration(page);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(500);
      context.off("requestfinished", listen);
      let bytes = 0;
      let count = 0;
      for (const r of requests) {
        const answer = await r.response();
        if (answer?.fromServiceWorker()) continue;
        const sizes = await r.sizes();
        // Negative when the answer came from the browser's own cache: nothing was sent.
        bytes += Math.max(0, sizes.responseHeadersSize) + Math.max(0, sizes.responseBodySize);
        count += 1;
      }
      return { bytes, count };
    };
    const first = await visit();
    console.log(`first visit: ${first.count} requests, ${(first.bytes / 1024).toFixed(1)} KB`);
    expect(first.bytes).toBeLessThanOrEqual(300 * 1024);
    const second = await visit();
    console.log(`second visit: ${second.count} requests, ${(second.bytes / 1024).toFixed(1)} KB`);
    expect(second.bytes).toBeLessThanOrEqual(40 * 1024);
  } finally {
    await context.close();
  }
});
