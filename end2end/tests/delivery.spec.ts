// What a phone downloads (issue 12), on the release build: pages, the wasm and the DSFR go out
// compressed; the bundle (hashed names) and the DSFR (under its version) are kept a year;
// pages never; the app is installable.
import { expect, test } from "@playwright/test";

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
  const dsfr = /href="(\/dsfr\/[\d.]+\/dsfr\.min\.css)"/.exec(html)?.[1];
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
