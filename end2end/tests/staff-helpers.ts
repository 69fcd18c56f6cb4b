// Helpers of the staff flows (desktop): log in as a gestionnaire, read the one-time message,
// plan a published session. Labels come from the UI contract (product.md §4).
import { expect, type Page } from "@playwright/test";
import { pathIs } from "./helpers";

export const STAFF = "gestion@mirvog.demo";
export const STAFF_PASSWORD = "Cassiopee2026!";
export const DESKTOP = { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false };

export async function staffLogin(page: Page): Promise<void> {
  await page.goto("/connexion");
  await page.getByLabel("Adresse électronique", { exact: true }).fill(STAFF);
  await page.getByLabel("Mot de passe", { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page).toHaveURL(pathIs("/gestion"));
}

/** The one-time message shown after an action. */
export function message(page: Page) {
  return page.locator("#message");
}

/** A date `days` from today as a date input takes it (yyyy-mm-dd). */
export function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Creates a training and a published session of it in `days` days (`capacity` seats); returns
 * the session id. */
export async function plannedSession(page: Page, title: string, days: number, capacity = "10"): Promise<string> {
  await page.goto("/gestion/formations/nouvelle");
  await page.getByLabel("Titre").fill(title);
  await page.getByLabel("Thème").fill("Gouvernance");
  await page.getByLabel("Organisme").fill("IFA");
  await page.getByLabel("Durée (heures)").fill("7");
  await page.getByLabel("Capacité par défaut").fill(capacity);
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(message(page)).toHaveText("Formation créée.");
  await page.getByRole("link", { name: "Nouvelle session" }).click();
  await page.getByLabel("Date de début").fill(inDays(days));
  await page.getByLabel("Lieu").fill("École militaire, Paris");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(message(page)).toContainText("Session créée en brouillon");
  await page.getByRole("button", { name: "Publier" }).click();
  await expect(message(page)).toContainText("Session publiée");
  return page.url().split("/").pop()!;
}
