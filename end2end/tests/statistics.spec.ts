// Statistics (product §6, /gestion/statistiques) on the demo data: staff change the period and
// the theme and the figures and charts follow; the export downloads the table shown; officers
// are refused.
import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { readFileSync } from "node:fs";
import { login, officer } from "./helpers";
import { DESKTOP, staffLogin } from "./staff-helpers";

test.use(DESKTOP);

/** The fill-rate card's detail (« N places occupées sur M ») and the fill-rate chart. */
async function snapshot(page: Page) {
  const card = page.locator(".cas-kpi").filter({ hasText: "Taux de remplissage" });
  return {
    seats: await card.locator(".cas-kpi__detail").innerText(),
    chart: await page.locator("#graphique-remplissage svg").innerHTML(),
  };
}

test("staff read the statistics, change the period and the theme, and export the table", async ({ page }) => {
  await staffLogin(page);
  await page.getByRole("link", { name: "Voir les statistiques" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Statistiques" })).toBeVisible();
  await expect(page.locator("#periode-titre")).toHaveText(/Année \d{4}/);

  await page.getByRole("link", { name: "Statistiques", exact: true }).click();
  await expect(page.locator("#periode-titre")).toContainText("Les 12 derniers mois");
  await expect(page.getByRole("img", { name: "Taux de remplissage par mois" })).toBeVisible();
  const twelveMonths = await snapshot(page);
  expect(twelveMonths.seats).toMatch(/^\d+ places occupées sur \d+$/);

  // Another period: the last quarter with past sessions in the demo (three months ago).
  const past = new Date(Date.now() - 90 * 86_400_000);
  const quarter = `${past.getFullYear()}-T${Math.floor(past.getMonth() / 3) + 1}`;
  await page.getByLabel("Période", { exact: true }).selectOption("trimestre");
  await page.getByLabel(/^Trimestre/).selectOption(quarter);
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page.locator("#periode-titre")).toContainText("trimestre");
  const oneQuarter = await snapshot(page);
  expect(oneQuarter.seats).not.toBe(twelveMonths.seats);
  expect(oneQuarter.chart).not.toBe(twelveMonths.chart);

  // A theme: fewer sessions, other figures.
  await page.getByLabel("Période", { exact: true }).selectOption("12-mois");
  await page.getByLabel("Thème").selectOption("Finance");
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page.locator("#periode-titre")).toContainText("thème « Finance »");
  const finance = await snapshot(page);
  expect(finance.seats).not.toBe(twelveMonths.seats);
  expect(finance.chart).not.toBe(twelveMonths.chart);

  // The export is the table shown: its first line is the table's header.
  const headers = (await page.locator(".cas-stats-table thead th").allInnerTexts()).map((h) =>
    h.replace(/[▲▼]/g, "").trim(),
  );
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Exporter (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^cassiopee-statistiques-du-\d{4}-\d{2}-\d{2}-au-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await download.path(), "utf-8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const firstLine = text.slice(1).split(/\r?\n/)[0];
  expect(firstLine.split(";")).toEqual(headers);
  const lines = text.trim().split(/\r?\n/);
  expect(lines.length).toBe(1 + (await page.locator(".cas-stats-table tbody tr").count()));

  // A reversed period is refused next to the field, nothing breaks.
  await page.getByLabel("Période", { exact: true }).selectOption("dates");
  await page.getByLabel(/^Du/).fill("2026-06-01");
  await page.getByLabel(/^Au/).fill("2026-01-01");
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page.locator("#champ-au-erreur")).toContainText("l'ordre des dates");
});

test("an officer opening the statistics gets 403", async ({ page }) => {
  await login(page, officer(7), true);
  const response = await page.goto("/gestion/statistiques");
  expect(response!.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
  const csv = await page.goto("/gestion/statistiques/export.csv");
  expect(csv!.status()).toBe(403);
});
