// The staff workspace on a desktop: plan a training and a session, publish it, enrol three
// officers at once, take attendance, cancel another session; the officer sees the result.
// Labels come from the UI contract (product.md §4).
import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { login as officerLogin, myUpcomingEntry, newPhoneContext, officer, open } from "./helpers";
import { DESKTOP, inDays, message, plannedSession, staffLogin } from "./staff-helpers";

test.use(DESKTOP);

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
  // A mark that really changes: « Excusé », or « Absent » if it was already excused.
  const excused = firstRow.getByLabel("Excusé", { exact: true });
  const mark = (await excused.isChecked()) ? "Absent" : "Excusé";
  await firstRow.getByLabel(mark, { exact: true }).check();
  await page.getByRole("button", { name: "Enregistrer la présence" }).click();
  await expect(message(page)).toHaveText("Présence enregistrée : 1 changement.");
  await expect(page.locator("form table tbody tr").filter({ hasText: name }).getByLabel(mark, { exact: true })).toBeChecked();
});

test("staff cancel a session after confirming; nothing is deleted and the officer sees it", async ({ page, browser }) => {
  const title = `Annulation (essai ${Date.now() % 100000})`;
  await staffLogin(page);
  const sessionId = await plannedSession(page, title, 250);
  await page.getByLabel("Rechercher des officiers (nom ou adresse)").fill("Essai 10");
  await page.getByRole("button", { name: "Rechercher" }).click();
  await page.getByLabel(/Général Essai 10\b/).check();
  await page.getByRole("button", { name: "Inscrire les officiers sélectionnés" }).click();
  await expect(message(page)).toHaveText("1 officier inscrit.");
  await expect(page.getByRole("heading", { name: "Participants (1)" })).toBeVisible();

  await page.getByRole("link", { name: "Annuler la session" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Annuler la session");
  await expect(page.getByText("1 officier(s) inscrit(s) ou en liste d'attente seront prévenus.", { exact: false })).toBeVisible();
  await page.getByRole("button", { name: "Annuler la session" }).click();
  await expect(message(page)).toHaveText("Session annulée : l'officier concerné en est informé.");
  await expect(page.getByText("Annulée", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByRole("cell", { name: "Session annulée" })).toBeVisible();
  // Nothing is deleted: the participant is still listed.
  await expect(page.locator("#participants")).toHaveText("Participants (1)");
  await expect(page.getByText("Général Essai 10", { exact: true }).first()).toBeVisible();

  // The officer sees it cancelled in « Mes formations », with nothing left to do.
  const phone = await newPhoneContext(browser, true);
  try {
    const o = await phone.newPage();
    await officerLogin(o, officer(10), true);
    const entry = await myUpcomingEntry(o, sessionId, true);
    await expect(entry).toContainText(title);
    await expect(entry).toContainText("Session annulée");
    await entry.getByRole("link").click();
    await expect(o.getByText("Cette session a été annulée.")).toBeVisible();
    await expect(o.getByRole("button", { name: /Se désinscrire/ })).toHaveCount(0);
  } finally {
    await phone.close();
  }
});

test("staff build an officer's programme; the officer enrols from « Mon programme »", async ({ page, browser }) => {
  const title = `Présider un comité d'audit (essai ${Date.now() % 100000})`;
  await staffLogin(page);
  const sessionId = await plannedSession(page, title, 90);

  // The officer's page: programme dates, then the training as « Obligatoire ».
  await page.goto("/gestion/officiers?recherche=essai%2012");
  await page.getByRole("link", { name: "Général Essai 12", exact: true }).click();
  await page.getByLabel("Début du programme").fill(inDays(-30));
  await page.getByLabel("Fin du programme").fill(inDays(300));
  await page.getByLabel("Projet professionnel").fill("Administrateur indépendant");
  await page.getByRole("button", { name: "Enregistrer le programme" }).click();
  await expect(message(page)).toHaveText("Programme enregistré.");
  await page.getByLabel("Ajouter une formation").selectOption({ label: title });
  await page.getByLabel("Priorité", { exact: true }).selectOption("obligatoire");
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await expect(message(page)).toContainText("ajoutée au programme");
  await expect(page.getByRole("cell", { name: "Formation ajoutée au programme" })).toBeVisible();

  const phone = await newPhoneContext(browser, true);
  try {
    const o = await phone.newPage();
    await officerLogin(o, officer(12), true);
    await o.getByRole("link", { name: "Mon programme" }).click();
    await expect(o.getByText("0 formation suivie sur 1")).toBeVisible();
    const item = o.locator(".cas-programme__item").filter({ hasText: title });
    await expect(item).toContainText("À planifier");
    await expect(item).toContainText("Obligatoire");
    await item.locator(`[data-session-id="${sessionId}"]`).getByRole("button", { name: /^S.inscrire$/ }).click();
    await expect(o.locator("#message")).toHaveText("Votre inscription est confirmée.");
    await expect(o.locator(".cas-programme__item").filter({ hasText: title })).toContainText("Inscrit");
    const entry = await myUpcomingEntry(o, sessionId, true);
    await expect(entry).toContainText(title);
  } finally {
    await phone.close();
  }

  // Staff see the place in the officer's history.
  await page.reload();
  await expect(page.getByRole("link", { name: title })).toBeVisible();
});

/** Gives test officer N a programme ending in `endDays` days with `title` at `priority`. */
async function programmeWith(page: Page, n: number, title: string, priority: string, endDays: number): Promise<void> {
  await page.goto(`/gestion/officiers?recherche=essai%20${n}`);
  await page.getByRole("link", { name: `Général Essai ${n}`, exact: true }).click();
  await page.getByLabel("Début du programme").fill(inDays(-30));
  await page.getByLabel("Fin du programme").fill(inDays(endDays));
  await page.getByLabel("Projet professionnel").fill("Administrateur indépendant");
  await page.getByRole("button", { name: "Enregistrer le programme" }).click();
  await expect(message(page)).toHaveText("Programme enregistré.");
  await page.getByLabel("Ajouter une formation").selectOption({ label: title });
  await page.getByLabel("Priorité", { exact: true }).selectOption(priority);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await expect(message(page)).toContainText("ajoutée au programme");
}

test("staff fill a session from its candidates: one invited accepts from the link, one enrolled directly", async ({ page, browser }) => {
  const title = `Piloter la transformation (essai ${Date.now() % 100000})`;
  await staffLogin(page);
  const sessionId = await plannedSession(page, title, 120);
  await programmeWith(page, 7, title, "recommandee", 200);
  await programmeWith(page, 8, title, "obligatoire", 300);

  // « Remplir la session »: the candidates by priority, the first ones ticked for the free seats.
  await page.goto(`/gestion/sessions/${sessionId}`);
  await page.getByRole("link", { name: "Remplir la session" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Remplir la session");
  const rows = page.locator("form table tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Général Essai 8");
  await expect(rows.nth(0)).toContainText("Obligatoire");
  await expect(rows.nth(1)).toContainText("Général Essai 7");
  await expect(rows.nth(1)).toContainText("Recommandée");
  await expect(page.getByLabel("Général Essai 8")).toBeChecked();
  await expect(page.getByLabel("Général Essai 7")).toBeChecked();

  // Invite one in one click.
  await page.getByLabel("Général Essai 8").uncheck();
  await page.getByRole("button", { name: "Inviter les officiers sélectionnés" }).click();
  await expect(message(page)).toContainText("1 officier invité (Général Essai 7)");
  const invitations = page.locator("#invitations + .fr-table");
  await expect(invitations).toContainText("Général Essai 7");
  const link = await invitations.getByRole("link", { name: /^\/invitations\// }).getAttribute("href");
  expect(link).toMatch(/^\/invitations\/[0-9a-f]{32}$/);

  // Enrol the other directly from the same list.
  await page.getByRole("link", { name: "Remplir la session" }).click();
  await expect(rows.filter({ hasText: "Général Essai 7" })).toContainText("Invité le");
  await page.getByLabel("Général Essai 7").uncheck();
  await page.getByLabel("Général Essai 8").check();
  await page.getByRole("button", { name: "Inscrire directement" }).click();
  await expect(message(page)).toHaveText("1 officier inscrit.");
  await expect(page.getByRole("heading", { name: "Participants (1)" })).toBeVisible();

  const phone = await newPhoneContext(browser, true);
  try {
    // The invited officer finds the invitation in « Mes formations » and accepts from the link.
    const o = await phone.newPage();
    await officerLogin(o, officer(7), true);
    await o.goto("/mes-formations");
    const invitation = o.locator(".cas-invitations").locator(`[data-session-id="${sessionId}"]`);
    await expect(invitation).toContainText(title);
    await open(o, link!, true);
    await expect(o.getByText("Invitation de la MiRVOG")).toBeVisible();
    await o.getByRole("button", { name: /^S.inscrire$/ }).click();
    await expect(o.getByText("Votre inscription est confirmée.")).toBeVisible();
    const entry = await myUpcomingEntry(o, sessionId, true);
    await expect(entry).toContainText("Inscrit");
    await expect(o.locator(".cas-invitations")).toHaveCount(0);
    await o.goto("/mon-programme");
    await expect(o.locator(".cas-programme__item").filter({ hasText: title })).toContainText("Inscrit");
    await o.getByRole("button", { name: "Se déconnecter" }).click();

    // The officer enrolled directly sees it too.
    await officerLogin(o, officer(8), true);
    const direct = await myUpcomingEntry(o, sessionId, true);
    await expect(direct).toContainText("Inscrit");
    await o.goto("/mon-programme");
    await expect(o.locator(".cas-programme__item").filter({ hasText: title })).toContainText("Inscrit");
  } finally {
    await phone.close();
  }

  // Staff see the answer.
  await page.reload();
  await expect(page.locator("#invitations + .fr-table")).toContainText("Invitation acceptée le");
  await expect(page.getByRole("heading", { name: "Participants (2)" })).toBeVisible();
});

test("a new officer with an address already in use is refused next to the field", async ({ page }) => {
  await staffLogin(page);
  await page.getByRole("link", { name: "Officiers", exact: true }).click();
  await page.getByRole("link", { name: "Nouvel officier" }).click();
  await page.getByLabel("Nom").fill("Général Nouveau Venu");
  await page.getByLabel("Adresse électronique").fill(officer(1));
  await page.getByLabel("Grade").fill("Général de brigade");
  await page.getByLabel("Armée ou service").fill("Armée de l'Air et de l'Espace");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.locator("#champ-email-erreur")).toHaveText("Un compte existe déjà avec cette adresse.");
  await expect(page.getByLabel("Nom")).toHaveValue("Général Nouveau Venu");
  await page.getByLabel("Adresse électronique").fill("nouveau.venu@mirvog.demo");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(message(page)).toHaveText("Officier créé.");
  await expect(page.getByText("Aucun mot de passe")).toBeVisible();
});

/** A CSV as French Excel saves it: Windows-1252, « ; ». */
function latin1Csv(lines: string[]): Buffer {
  return Buffer.from(lines.join("\r\n") + "\r\n", "latin1");
}

test("staff import officers from a spreadsheet: a bad line stops everything until it is fixed", async ({ page }) => {
  const stamp = Date.now() % 100000;
  const header = "Nom;Adresse électronique;Grade;Armée ou service;Date de départ";
  const good1 = `Général Hélène Lefèvre ${stamp};helene.lefevre.${stamp}@mirvog.demo;Général de brigade;Armée de Terre;30/06/2027`;
  const good2 = `Amiral François Nédélec ${stamp};francois.nedelec.${stamp}@mirvog.demo;Contre-amiral;Marine nationale;`;
  const bad = `Général Sans Adresse ${stamp};pas-une-adresse;Général de division;Armée de l'Air;`;
  await staffLogin(page);
  await page.getByRole("link", { name: "Officiers", exact: true }).click();
  await page.getByRole("link", { name: "Importer (CSV)" }).click();

  await page.getByLabel("Fichier CSV").setInputFiles({
    name: "officiers.csv",
    mimeType: "text/csv",
    buffer: latin1Csv([header, good1, bad, good2]),
  });
  await page.getByRole("button", { name: "Prévisualiser" }).click();
  await expect(page.locator("#apercu")).toContainText("Windows-1252");
  await expect(page.locator("#apercu")).toContainText("2 ligne(s) prête(s), 1 refusée(s)");
  const refused = page.getByRole("row").filter({ hasText: "Adresse électronique invalide" });
  await expect(refused.getByRole("cell").first()).toHaveText("3");
  await expect(page.getByText("rien n'a été importé")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Importer/ })).toHaveCount(0);
  // Accented names read correctly from Windows-1252.
  await expect(page.getByRole("cell", { name: `Général Hélène Lefèvre ${stamp}` })).toBeVisible();

  await page.getByLabel("Fichier CSV").setInputFiles({
    name: "officiers-corrige.csv",
    mimeType: "text/csv",
    buffer: latin1Csv([header, good1, good2]),
  });
  await page.getByRole("button", { name: "Prévisualiser" }).click();
  await expect(page.locator("#apercu")).toContainText("2 ligne(s) prête(s), 0 refusée(s)");
  await page.getByRole("button", { name: "Importer 2 officiers" }).click();
  await expect(message(page)).toHaveText("2 officiers importés.");
  await page.getByLabel("Rechercher (nom ou adresse)").fill(`${stamp}`);
  await page.getByRole("button", { name: "Rechercher" }).click();
  await expect(page.getByRole("link", { name: `Amiral François Nédélec ${stamp}` })).toBeVisible();
  await expect(page.getByRole("link", { name: `Général Hélène Lefèvre ${stamp}` })).toBeVisible();
});
