// The staff workspace on a desktop: plan a training and a session, publish it, enrol three
// officers at once, take attendance, cancel another session; the officer sees the result.
// Labels come from the UI contract (product.md §4).
import { expect, test, type Page } from "@playwright/test";
import { login as officerLogin, myUpcomingEntry, newPhoneContext, officer, pathIs } from "./helpers";

const STAFF = "gestion@mirvog.demo";
const STAFF_PASSWORD = "Cassiopee2026!";
const DESKTOP = { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false };

test.use(DESKTOP);

async function staffLogin(page: Page): Promise<void> {
  await page.goto("/connexion");
  await page.getByLabel("Adresse électronique", { exact: true }).fill(STAFF);
  await page.getByLabel("Mot de passe", { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page).toHaveURL(pathIs("/gestion"));
}

/** The one-time message shown after an action. */
function message(page: Page) {
  return page.locator("#message");
}

/** A date `days` from today as a date input takes it (yyyy-mm-dd). */
function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test("staff plan a training and a session, publish it and enrol three officers at once", async ({ page, browser }) => {
  const title = `Conduire un conseil d'administration (essai ${Date.now() % 100000})`;
  await staffLogin(page);

  // « Nouvelle formation », first with a mistake: the message sits next to the field and
  // nothing typed is lost.
  await page.getByRole("link", { name: "Formations", exact: true }).click();
  await page.getByRole("link", { name: "Nouvelle formation" }).click();
  await page.getByLabel("Titre").fill(title);
  await page.getByLabel("Thème").fill("Gouvernance");
  await page.getByLabel("Organisme").fill("Institut français des administrateurs");
  await page.getByLabel("Format").selectOption("hybride");
  await page.getByLabel("Durée (heures)").fill("7");
  await page.getByLabel("Capacité par défaut").fill("0");
  await page.getByLabel("Coût fixe par session (€)").fill("3 000");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.locator("#champ-default_capacity-erreur")).toHaveText("Saisissez un nombre entier entre 1 et 500.");
  await expect(page.getByLabel("Titre")).toHaveValue(title);
  await expect(page.getByLabel("Coût fixe par session (€)")).toHaveValue("3 000");
  await page.getByLabel("Capacité par défaut").fill("12");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(message(page)).toHaveText("Formation créée.");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);

  // « Nouvelle session » from the training: capacity and cost come prefilled.
  await page.getByRole("link", { name: "Nouvelle session" }).click();
  await expect(page.getByLabel("Capacité", { exact: true })).toHaveValue("12");
  await expect(page.getByLabel("Coût réel de la session (€)")).toHaveValue("3000");
  const day = inDays(75);
  await page.getByLabel("Date de début").fill(day);
  await page.getByLabel("Lieu").fill("École militaire, Paris");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(message(page)).toContainText("Session créée en brouillon");
  await expect(page.getByText("Brouillon", { exact: true })).toBeVisible();
  const sessionUrl = page.url();
  const sessionId = sessionUrl.split("/").pop()!;

  // It shows in the month calendar.
  await page.goto(`/gestion/sessions?vue=calendrier&mois=${day.slice(0, 7)}`);
  await expect(page.getByRole("link", { name: new RegExp(title.slice(0, 30).replace(/[()]/g, ".")) })).toBeVisible();
  await page.goto(sessionUrl);

  // Publish.
  await page.getByRole("button", { name: "Publier" }).click();
  await expect(message(page)).toContainText("Session publiée");
  await expect(page.getByText("Publiée", { exact: true })).toBeVisible();

  // « Inscrire des officiers »: search, tick three, one click.
  await page.getByLabel("Rechercher des officiers (nom ou adresse)").fill("Essai");
  await page.getByRole("button", { name: "Rechercher" }).click();
  for (const n of [9, 10, 11]) {
    await page.getByLabel(new RegExp(`Général Essai ${n}\\b`)).check();
  }
  await page.getByRole("button", { name: "Inscrire les officiers sélectionnés" }).click();
  await expect(message(page)).toHaveText("3 officiers inscrits.");
  await expect(page.getByRole("heading", { name: "Participants (3)" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Inscription par la gestion" })).toHaveCount(3);

  // The officer sees it in « Mes formations ».
  const phone = await newPhoneContext(browser, true);
  try {
    const o = await phone.newPage();
    await officerLogin(o, officer(9), true);
    const entry = await myUpcomingEntry(o, sessionId, true);
    await expect(entry).toContainText(title);
    await expect(entry).toContainText("Inscrit");
  } finally {
    await phone.close();
  }
});

test("staff take attendance for a session that has taken place", async ({ page }) => {
  await staffLogin(page);
  await page.goto("/gestion/sessions?periode=passees");
  await page.locator("table tbody tr a").first().click();
  await expect(page.getByRole("heading", { name: /Participants \(\d+\)/ })).toBeVisible();
  const firstRow = page.locator("form table tbody tr").first();
  const name = (await firstRow.locator("td").first().innerText()).trim();
  // Whatever was recorded, this officer is now « Excusé »; everyone else stays as marked.
  await firstRow.getByLabel("Excusé", { exact: true }).check();
  await page.getByRole("button", { name: "Enregistrer la présence" }).click();
  await expect(message(page)).toContainText("Présence enregistrée");
  await expect(page.locator("form table tbody tr").filter({ hasText: name }).getByLabel("Excusé", { exact: true })).toBeChecked();
});

test("staff cancel a session after confirming; nothing is deleted", async ({ page }) => {
  await staffLogin(page);
  // The furthest published session: the officer flows pick the soonest ones.
  await page.goto("/gestion/sessions?statut=publiee");
  const row = page.locator("table tbody tr").last();
  const title = (await row.locator("td a").innerText()).trim();
  await row.locator("td a").click();
  await page.getByRole("link", { name: "Annuler la session" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Annuler la session");
  await page.getByRole("button", { name: "Annuler la session" }).click();
  await expect(message(page)).toContainText("Session annulée");
  await expect(page.getByText("Annulée", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByRole("cell", { name: "Session annulée" })).toBeVisible();
});
