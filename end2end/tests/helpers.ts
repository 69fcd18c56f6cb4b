// Small helpers for the officer flows. The labels come from the UI contract (product.md §4).
// Apostrophes may be typographic (’) or straight ('): the patterns accept both.
import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { BASE_URL, PHONE } from "../phone";

export const E2E_PASSWORD = "E2e-motdepasse";

/** The e-mail of test officer N (created by scripts/e2e-server.sh for N in 1..19). */
export const officer = (n: number): string => `e2e-${n}@mirvog.demo`;

/** « 1 place restante » (and not « 11 places restantes »). */
export const ONE_PLACE_LEFT = /(?:^|\D)1\s+place\s+restante(?!s)/;
/** « N places restantes » with N ≥ 2. */
export const SEVERAL_PLACES_LEFT = /(?:^|\D)(?:[2-9]|[1-9]\d+)\s+places\s+restantes/;

const APOS = "['\u2019]";
export const ACTION = {
  enrol: new RegExp(`^S${APOS}inscrire$`),
  joinWaitlist: new RegExp(`^Rejoindre la liste d${APOS}attente$`),
  unenrol: /^Se désinscrire$/,
  leaveWaitlist: new RegExp(`^Quitter la liste d${APOS}attente$`),
};
const ANY_ACTION = new RegExp(
  `^(?:S${APOS}inscrire|Rejoindre la liste d${APOS}attente|Se désinscrire|Quitter la liste d${APOS}attente)$`,
);
export const WAITLISTED = new RegExp(`Liste d${APOS}attente`);
export const waitlistPosition = (n: number): RegExp =>
  new RegExp(`Position sur la liste d${APOS}attente\\s*:\\s*${n}(?!\\d)`);

/** Matches a full URL whose path is exactly `path` (any query string or fragment). */
export function pathIs(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^https?://[^/]+${escaped}(?:[?#].*)?$`);
}

/** A new browser context with the phone settings of the config, JavaScript on or off. */
export async function newPhoneContext(browser: Browser, js: boolean): Promise<BrowserContext> {
  return browser.newContext({ ...PHONE, baseURL: BASE_URL, javaScriptEnabled: js });
}

/** Waits for the hydration marker (only meaningful with JavaScript enabled). */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Loads `path` and, with JavaScript, waits until the page has hydrated. */
export async function open(page: Page, path: string, js: boolean) {
  const response = await page.goto(path);
  if (js) await waitForHydration(page);
  return response;
}

/** Logs in through /connexion and checks the officer lands on /formations, logged in. */
export async function login(page: Page, email: string, js: boolean): Promise<void> {
  await open(page, "/connexion", js);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page).toHaveURL(pathIs("/formations"));
  // « Se déconnecter » is a form button (a logout must not be a GET link), always visible.
  await expect(page.getByRole("button", { name: "Se déconnecter", exact: true })).toBeVisible();
  if (js) await waitForHydration(page);
}

/** Logs in through the API, without loading a page (no page of nobody is seen, nothing is
 * cached by the visit). */
export async function loginByApi(page: Page, email: string): Promise<void> {
  const answer = await page.request.post("/api/connexion", {
    form: { email, password: E2E_PASSWORD, next: "" },
    headers: { origin: BASE_URL },
  });
  expect(answer.ok(), "the login answer").toBe(true);
}

/**
 * On /formations, returns the id of the first upcoming session whose text matches `text`,
 * after checking that its entry links to /sessions/<id>.
 */
export async function pickSession(page: Page, text: RegExp, js: boolean): Promise<string> {
  const entry = await findInCatalogue(page, page.locator("[data-session-id]").filter({ hasText: text }).first(), js);
  await expect(entry, `a session showing ${text} on /formations`).toBeVisible();
  const id = await entry.getAttribute("data-session-id");
  expect(id, "data-session-id").toBeTruthy();
  await expect(entry.locator(`a[href$="/sessions/${id}"]`).first()).toBeAttached();
  return id!;
}

/** The entry of session `id` on /formations (reloaded), on whichever page it is. */
export async function catalogueEntry(page: Page, id: string, js: boolean): Promise<Locator> {
  return findInCatalogue(page, page.locator(`[data-session-id="${id}"]`), js);
}

/**
 * Opens /formations and follows « Suivantes » until `entry` is on the page; returns it (the
 * caller checks it is there: on the last page it may still be missing).
 */
export async function findInCatalogue(page: Page, entry: Locator, js: boolean): Promise<Locator> {
  await open(page, "/formations", js);
  const next = page.locator('a[rel="next"]');
  for (let n = 0; n < 50; n++) {
    if ((await entry.count()) > 0 || (await next.count()) === 0) break;
    await next.click();
    if (js) await waitForHydration(page);
  }
  return entry;
}

/** Opens /sessions/<id>. */
export async function openSession(page: Page, id: string, js: boolean): Promise<void> {
  await open(page, `/sessions/${id}`, js);
}

/** Checks that the session page shows exactly one action button, the one named `name`. */
export async function expectOnlyAction(page: Page, name: RegExp): Promise<void> {
  await expect(page.getByRole("button", { name })).toBeVisible();
  await expect(page.getByRole("button", { name: ANY_ACTION })).toHaveCount(1);
}

/**
 * Clicks the session page's action button `from` and waits for `to` to replace it. With
 * JavaScript the answer must arrive in place: the page is not reloaded (a marker set before the
 * click survives) and the server's sentence is shown.
 */
export async function act(page: Page, from: RegExp, to: RegExp, js: boolean): Promise<void> {
  await expectOnlyAction(page, from);
  if (js) await page.evaluate(() => ((window as any).__beforeAction = true));
  await page.getByRole("button", { name: from }).click();
  await expectOnlyAction(page, to);
  if (js) {
    await expect(page.getByRole("status")).toBeVisible();
    expect(await page.evaluate(() => (window as any).__beforeAction)).toBe(true);
  }
}

/**
 * Opens /mes-formations (tab « À venir ») and returns the entry of session `id`.
 * With JavaScript the tab is clicked; without, « À venir » must be the default tab.
 */
export async function myUpcomingEntry(page: Page, id: string, js: boolean): Promise<Locator> {
  await open(page, "/mes-formations", js);
  const upcoming = tab(page, "À venir");
  await expect(upcoming).toBeVisible();
  await expect(tab(page, "Passées")).toBeVisible();
  if (js) {
    await upcoming.click();
    await waitForHydration(page);
  }
  const entry = page.locator(`[data-session-id="${id}"]`);
  await expect(entry).toBeVisible();
  return entry;
}

/** A tab by name, whether it is marked up as a tab, a link or a button. */
function tab(page: Page, name: string): Locator {
  return page
    .getByRole("tab", { name, exact: true })
    .or(page.getByRole("link", { name, exact: true }))
    .or(page.getByRole("button", { name, exact: true }))
    .first();
}
