// Officers' phones without network (issue 12): the service worker keeps an officer's own pages
// for reading offline with the banner « Hors ligne — données du … », disables the actions until
// the network returns, forgets everything at logout, never shows one account's pages to another,
// and is replaced with its caches by a new build.
import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import * as fs from "fs";
import * as path from "path";
import {
  ACTION,
  loginByApi,
  SEVERAL_PLACES_LEFT,
  act,
  login,
  newPhoneContext,
  officer,
  open,
  openSession,
  pickSession,
  waitForHydration,
} from "./helpers";

const OFFLINE_BANNER = /Hors ligne — données du \d{1,2} \S+ \d{4} à \d{2} h \d{2}/;

/** Waits until a service worker controls the page, then returns its version (null when the
 * worker did not answer within 2 s: one being replaced drops messages). */
async function workerVersion(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
      );
    }
    const channel = new MessageChannel();
    const answer = new Promise<string | null>((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data);
      setTimeout(() => resolve(null), 2000);
    });
    navigator.serviceWorker.controller!.postMessage("version", [channel.port2]);
    return answer;
  });
}

const keptPages = async (page: Page) =>
  (await cacheNames(page)).filter((n) => n.startsWith("cassiopee-pages-"));

async function cacheNames(page: Page): Promise<string[]> {
  return page.evaluate(() => caches.keys());
}

test("offline, an officer reads their pages with the banner; actions come back with the network", async ({
  browser,
}) => {
  const context = await newPhoneContext(browser, true);
  try {
    const page = await context.newPage();
    await login(page, officer(15), true);
    await workerVersion(page);
    const id = await pickSession(page, SEVERAL_PLACES_LEFT, true);
    await openSession(page, id, true);
    await act(page, ACTION.enrol, ACTION.unenrol, true);
    // Read once online, now that the worker keeps them; then the home address, which
    // redirects (a redirection says nothing of the account, and keeps the pages).
    for (const p of ["/mes-formations", "/mon-programme", `/sessions/${id}`, "/"]) {
      await open(page, p, true);
    }
    await expect.poll(() => keptPages(page)).toHaveLength(1);

    await context.setOffline(true);
    await page.goto("/mes-formations");
    await expect(page.getByText(OFFLINE_BANNER)).toBeVisible();
    await expect(page.locator(`[data-session-id="${id}"]`).first()).toBeAttached();
    // The copy hydrates from the kept bundle.
    await waitForHydration(page);
    await page.goto("/mon-programme");
    await expect(page.getByText(OFFLINE_BANNER)).toBeVisible();
    await page.goto(`/sessions/${id}`);
    await expect(page.getByText(OFFLINE_BANNER)).toBeVisible();
    const unenrol = page.getByRole("button", { name: ACTION.unenrol });
    await expect(unenrol).toBeDisabled();
    await expect(page.getByText(/Les actions .* reviendront avec le réseau/)).toBeVisible();
    // A page never read here: the French offline page.
    await page.goto("/notifications");
    await expect(page.getByRole("heading", { name: "Hors ligne" })).toBeVisible();

    // The network returns: on the kept page the button comes back by itself, and works.
    await page.goto(`/sessions/${id}`);
    await expect(unenrol).toBeDisabled();
    await context.setOffline(false);
    await expect(unenrol).toBeEnabled();
    await expect(page.getByText(/Connexion rétablie/)).toBeVisible();
    await open(page, `/sessions/${id}`, true);
    await act(page, ACTION.unenrol, ACTION.enrol, true);

    // The network is there but the server does not answer: the copy, actions disabled, which
    // come back by themselves once the server answers again.
    await open(page, `/sessions/${id}`, true);
    await context.route("**/*", (route) => route.abort());
    await page.goto(`/sessions/${id}`);
    await expect(page.getByText(OFFLINE_BANNER)).toBeVisible();
    const enrol = page.getByRole("button", { name: ACTION.enrol });
    await expect(enrol).toBeDisabled();
    await context.unroute("**/*");
    await expect(enrol).toBeEnabled({ timeout: 15_000 });

    // Logging out forgets everything kept for this officer, before any other page is seen.
    expect(await keptPages(page)).toHaveLength(1);
    await page.evaluate(() =>
      fetch("/api/deconnexion", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
      }),
    );
    expect(await keptPages(page)).toEqual([]);
    await context.setOffline(true);
    await page.goto("/mes-formations");
    await expect(page.getByRole("heading", { name: "Hors ligne" })).toBeVisible();
    await expect(page.locator("[data-session-id]")).toHaveCount(0);
    await expect(page.getByText(/Général Essai/)).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test("a second officer on the same phone never sees the first one's kept pages", async ({
  browser,
}) => {
  const context = await newPhoneContext(browser, true);
  try {
    const page = await context.newPage();
    await login(page, officer(16), true);
    await workerVersion(page);
    await open(page, "/mes-formations", true);
    await open(page, "/mon-programme", true);
    await expect.poll(() => keptPages(page)).toHaveLength(1);
    const first = await keptPages(page);

    // The first officer's web session ends without a logout (expired, say) and another logs
    // in without seeing a page of nobody: their first page makes the worker forget the first
    // officer's.
    await context.clearCookies();
    await loginByApi(page, officer(17));
    await open(page, "/formations", true);
    await expect.poll(() => keptPages(page)).not.toContain(first[0]);
    await expect.poll(() => keptPages(page)).toHaveLength(1);

    await context.setOffline(true);
    await page.goto("/mon-programme");
    await expect(page.getByRole("heading", { name: "Hors ligne" })).toBeVisible();
    await expect(page.getByText("Général Essai 16")).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test("a new build's service worker replaces the old one and its caches; the page hydrates", async ({
  browser,
}) => {
  const pkg = path.resolve(__dirname, "../../target/site/pkg");
  const css = fs.readdirSync(pkg).find((f) => f.endsWith(".css"));
  expect(css, "the bundle's stylesheet").toBeTruthy();
  const file = path.join(pkg, css!);
  const original = fs.readFileSync(file);
  const context = await newPhoneContext(browser, true);
  try {
    const page = await context.newPage();
    await login(page, officer(18), true);
    const before = await workerVersion(page);
    expect(before, "the worker's version").not.toBeNull();
    expect(await cacheNames(page)).toContain(`cassiopee-assets-${before}`);

    // A deployment: a file of the bundle changes.
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from("\n/* nouvelle version */\n")]));
    await open(page, "/formations", true);
    let after: string | null = null;
    await expect
      .poll(
        async () => {
          after = await workerVersion(page);
          return after !== null && after !== before;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await expect
      .poll(async () => (await cacheNames(page)).filter((n) => n.includes(before!)))
      .toEqual([]);
    expect(await cacheNames(page)).toContain(`cassiopee-assets-${after!}`);
    await page.reload();
    await waitForHydration(page);
  } finally {
    fs.writeFileSync(file, original);
    await context.close();
  }
});
