// Accessibility (RGAA, issue 12): every path of product §4, as anonymous visitor, officer,
// staff and administrator, passes axe-core with no serious or critical violation; the
// officer's flows work with the keyboard alone, with the focus visible; each error is tied to
// its field.
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { BASE_URL } from "../phone";
import {
  ACTION,
  SEVERAL_PLACES_LEFT,
  E2E_PASSWORD,
  login,
  newPhoneContext,
  officer,
  open,
  pathIs,
  pickSession,
  waitForHydration,
} from "./helpers";
import { DESKTOP, STAFF, STAFF_PASSWORD } from "./staff-helpers";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Serious and critical axe violations of the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function checkPaths(page: Page, paths: string[]) {
  for (const path of paths) {
    await open(page, path, true);
    expect(await seriousViolations(page), `axe on ${path}`).toEqual([]);
  }
}

async function desktopLogin(browser: Browser, email: string, home: string): Promise<Page> {
  const context = await browser.newContext({
    ...DESKTOP,
    baseURL: BASE_URL,
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
  });
  const page = await context.newPage();
  await page.goto("/connexion");
  await page.getByLabel("Adresse électronique", { exact: true }).fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page).toHaveURL(pathIs(home));
  return page;
}

/** The id in the first link of `page` whose address matches `pattern` (one capture group). */
async function firstId(page: Page, pattern: RegExp): Promise<string> {
  const hrefs = await page.locator("a[href]").evaluateAll((links) =>
    links.map((a) => a.getAttribute("href") ?? ""),
  );
  const id = hrefs.map((h) => pattern.exec(h)?.[1]).find(Boolean);
  expect(id, `a link matching ${pattern}`).toBeTruthy();
  return id!;
}

test("axe: the login page, and its errors tied to their fields", async ({ page }) => {
  await checkPaths(page, ["/connexion"]);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(officer(1));
  await page.getByLabel("Mot de passe", { exact: true }).fill("pas le bon");
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(await seriousViolations(page), "axe on a refused login").toEqual([]);
});

test("axe: every officer page", async ({ browser }) => {
  const context = await newPhoneContext(browser, true);
  try {
    const page = await context.newPage();
    await login(page, officer(1), true);
    const id = await pickSession(page, SEVERAL_PLACES_LEFT, true);
    await checkPaths(page, [
      "/formations",
      "/formations?theme=Management",
      `/sessions/${id}`,
      "/mes-formations",
      "/mon-programme",
      "/notifications",
      "/profil",
    ]);
  } finally {
    await context.close();
  }
});

test("axe: every staff page", async ({ browser }) => {
  const page = await desktopLogin(browser, STAFF, "/gestion");
  try {
    await checkPaths(page, ["/gestion", "/gestion/sessions"]);
    const session = await firstId(page, /^\/gestion\/sessions\/(\d+)$/);
    await open(page, "/gestion/formations", true);
    const training = await firstId(page, /^\/gestion\/formations\/(\d+)$/);
    await open(page, "/gestion/officiers", true);
    const someone = await firstId(page, /^\/gestion\/officiers\/(\d+)$/);
    await checkPaths(page, [
      "/gestion/sessions?vue=calendrier",
      `/gestion/sessions/${session}`,
      `/gestion/sessions/${session}/modifier`,
      `/gestion/sessions/${session}/remplir`,
      `/gestion/sessions/${session}/annuler`,
      "/gestion/sessions/nouvelle",
      "/gestion/formations",
      "/gestion/formations/nouvelle",
      `/gestion/formations/${training}`,
      "/gestion/officiers",
      "/gestion/officiers/nouveau",
      `/gestion/officiers/${someone}`,
      `/gestion/officiers/${someone}/modifier`,
      "/gestion/officiers/import",
      "/gestion/statistiques",
      "/notifications",
      "/profil",
    ]);
    // A refused form: the errors are tied to their fields, and still pass.
    await open(page, "/gestion/formations/nouvelle", true);
    await page.getByRole("button", { name: "Enregistrer" }).click();
    const title = page.getByLabel("Titre");
    await expect(title).toHaveAttribute("aria-invalid", "true");
    const described = await title.getAttribute("aria-describedby");
    expect(described, "the title's error is tied to it").toBeTruthy();
    await expect(page.locator(`[id="${described!.split(" ")[0]}"]`)).not.toBeEmpty();
    expect(await seriousViolations(page), "axe on a refused form").toEqual([]);
  } finally {
    await page.context().close();
  }
});

test("axe: every administrator page", async ({ browser }) => {
  const page = await desktopLogin(browser, "admin@mirvog.demo", "/gestion");
  try {
    await checkPaths(page, ["/admin/utilisateurs", "/admin/courriels"]);
  } finally {
    await page.context().close();
  }
});

/** Presses Tab until `name` (a button or link) has the focus; fails after `max` presses. */
async function tabTo(page: Page, role: "button" | "link", name: RegExp | string, max = 60) {
  const target = page.getByRole(role, { name }).first();
  await expect(target).toBeVisible();
  for (let n = 0; n < max; n++) {
    if (await target.evaluate((el) => el === document.activeElement)) {
      // The focus shows: an outline (or a box shadow) drawn around the element.
      const visible = await target.evaluate((el) => {
        const style = getComputedStyle(el);
        return (
          (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) ||
          style.boxShadow !== "none"
        );
      });
      expect(visible, `the focus on ${name} is visible`).toBe(true);
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`${name} never got the focus in ${max} presses of Tab`);
}

/** Presses Tab until the field labelled `label` has the focus, then types `text`. */
async function tabAndType(page: Page, label: string, text: string) {
  const field = page.getByLabel(label, { exact: true });
  for (let n = 0; n < 30; n++) {
    if (await field.evaluate((el) => el === document.activeElement)) {
      await page.keyboard.type(text);
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`${label} never got the focus`);
}

test("with the keyboard alone an officer logs in, enrols, joins and leaves a waitlist, and reads a notification", async ({
  browser,
}) => {
  const context = await newPhoneContext(browser, true);
  try {
    const page = await context.newPage();
    await open(page, "/connexion", true);
    await tabAndType(page, "Adresse électronique", officer(11));
    await tabAndType(page, "Mot de passe", E2E_PASSWORD);
    await tabTo(page, "button", "Se connecter");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(pathIs("/formations"));
    await waitForHydration(page);

    // Enrol in a session with room, then give the seat back.
    const roomy = await pickSession(page, SEVERAL_PLACES_LEFT, true);
    await open(page, `/sessions/${roomy}`, true);
    await tabTo(page, "button", ACTION.enrol);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: ACTION.unenrol })).toBeVisible();
    await tabTo(page, "button", ACTION.unenrol);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: ACTION.enrol })).toBeVisible();

    // Join, then leave, the waitlist of a full session.
    const fullId = await pickSession(page, /Complet/, true);
    await open(page, `/sessions/${fullId}`, true);
    await tabTo(page, "button", ACTION.joinWaitlist);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: ACTION.leaveWaitlist })).toBeVisible();
    await tabTo(page, "button", ACTION.leaveWaitlist);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: ACTION.joinWaitlist })).toBeVisible();

    // Read a notification (the enrolments left some): from the header, by keyboard.
    await tabTo(page, "link", /Notifications/);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(pathIs("/notifications"));
    await waitForHydration(page);
    const first = page.locator(".cas-notification__open").first();
    const label = (await first.textContent())?.trim() ?? "";
    expect(label).not.toBe("");
    await tabTo(page, "button", label);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/sessions\/\d+/);
  } finally {
    await context.close();
  }
});
