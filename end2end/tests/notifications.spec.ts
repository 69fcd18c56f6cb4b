// Notifications (product §5): an officer promoted from the waitlist sees the unread count in the
// header, opens the notification and lands on the session; an email kind turned off in
// « Profil » queues no mail of that kind (seen in the administrators' « Courriels »).
import { type Browser, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ACTION, login, newPhoneContext, officer, open } from "./helpers";
import { BASE_URL } from "../phone";
import { DESKTOP, plannedSession, staffLogin } from "./staff-helpers";

async function phonePage(browser: Browser, n: number): Promise<Page> {
  const context = await newPhoneContext(browser, true);
  const page = await context.newPage();
  await login(page, officer(n), true);
  return page;
}

test("a promoted officer sees the unread count and opens the notification; an email kind turned off queues nothing", async ({ browser }) => {
  const title = `Diriger en temps de crise (essai ${Date.now() % 100000})`;
  const desk = await browser.newContext({ ...DESKTOP, baseURL: BASE_URL, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const staff = await desk.newPage();
  await staffLogin(staff);
  const sessionId = await plannedSession(staff, title, 110, "1");

  // Officer 13 turns off the email of « Inscription confirmée », then takes the only seat.
  const first = await phonePage(browser, 13);
  await first.getByRole("link", { name: /Général Essai 13/ }).click();
  await expect(first.getByRole("heading", { level: 1 })).toHaveText("Profil");
  await first.getByLabel("Inscription confirmée", { exact: true }).uncheck();
  await first.getByRole("button", { name: "Enregistrer mes préférences" }).click();
  await expect(first.locator("#message")).toHaveText("Préférences enregistrées.");
  await expect(first.getByLabel("Inscription confirmée", { exact: true })).not.toBeChecked();
  await expect(first.getByLabel("Désinscription confirmée", { exact: true })).toBeChecked();
  await open(first, `/sessions/${sessionId}`, true);
  await first.getByRole("button", { name: ACTION.enrol }).click();
  await expect(first.getByRole("button", { name: ACTION.unenrol })).toBeVisible();

  // Officer 14 waits; then officer 13 gives the seat up.
  const second = await phonePage(browser, 14);
  await open(second, `/sessions/${sessionId}`, true);
  await second.getByRole("button", { name: ACTION.joinWaitlist }).click();
  await expect(second.getByRole("button", { name: ACTION.leaveWaitlist })).toBeVisible();
  await first.getByRole("button", { name: ACTION.unenrol }).click();
  // The seat went at once to officer 14: the session is full again.
  await expect(first.getByRole("button", { name: ACTION.joinWaitlist })).toBeVisible();

  // The promoted officer: unread count in the header, the notification, the session.
  await open(second, "/formations", true);
  const link = second.locator("#lien-notifications");
  await expect(link.locator(".cas-nav__count span[aria-hidden]")).toHaveText("2");
  await link.click();
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Notifications");
  await expect(second.getByText("2 notifications non lues.")).toBeVisible();
  await second.getByRole("button", { name: `Une place s'est libérée : vous êtes inscrit à ${title}` }).click();
  await expect(second).toHaveURL(new RegExp(`/sessions/${sessionId}$`));
  await expect(second.getByRole("button", { name: ACTION.unenrol })).toBeVisible();
  await expect(second.locator("#lien-notifications .cas-nav__count span[aria-hidden]")).toHaveText("1");
  await second.locator("#lien-notifications").click();
  await second.getByRole("button", { name: "Tout marquer comme lu" }).click();
  await expect(second.getByText("Tout est lu.")).toBeVisible();
  await expect(second.locator("#lien-notifications .cas-nav__count")).toHaveCount(0);

  // The outbox: officer 13's withdrawal and officer 14's promotion are queued, officer 13's
  // confirmation is not.
  const admin = await desk.newPage();
  await admin.goto("/connexion");
  await admin.getByLabel("Adresse électronique", { exact: true }).fill("admin@mirvog.demo");
  await admin.getByLabel("Mot de passe", { exact: true }).fill("Cassiopee2026!");
  await admin.getByRole("button", { name: "Se connecter", exact: true }).click();
  await admin.getByRole("link", { name: "Courriels" }).click();
  const rows = admin.locator("table tbody tr");
  const mine = (who: string, subject: string) => rows.filter({ hasText: who }).filter({ hasText: subject });
  await expect(mine(officer(13), `Désinscription : ${title}`)).toHaveCount(1);
  await expect(mine(officer(13), `Inscription confirmée : ${title}`)).toHaveCount(0);
  await expect(mine(officer(14), `Liste d'attente : ${title}`)).toHaveCount(1);
  await expect(mine(officer(14), `Une place s'est libérée : vous êtes inscrit à ${title}`)).toHaveCount(1);
  await desk.close();
});
