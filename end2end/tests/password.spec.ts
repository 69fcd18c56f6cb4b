// « Mot de passe oublié ? » (issue 13): the link arrives by email (the server writes emails as
// files in target/e2e/courriels, read here), sets a new password once, and ends the officer's
// other sessions.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { E2E_PASSWORD, newPhoneContext, officer, open, pathIs } from "./helpers";

const MAILS = join(__dirname, "..", "..", "target", "e2e", "courriels");

/** The token of the newest reset link emailed to `email`, waiting for it up to 15 s. */
async function emailedToken(email: string, after: number): Promise<string> {
  for (let i = 0; i < 60; i += 1) {
    let files: string[] = [];
    try {
      files = readdirSync(MAILS).filter((f) => f.endsWith(".eml"));
    } catch {}
    for (const file of files) {
      // Quoted-printable: soft line breaks removed, « =3D » back to « = ».
      const text = readFileSync(join(MAILS, file), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const token = /mot-de-passe\?jeton=([0-9a-f]{32})/.exec(text)?.[1];
      if (token && text.includes(`To: ${email}`) && !seen.has(token)) {
        seen.add(token);
        return token;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no reset email for ${email} since ${new Date(after).toISOString()}`);
}
const seen = new Set<string>();

test("a forgotten password: a link by email sets a new one once and ends the other sessions", async ({
  page,
  browser,
}) => {
  const email = officer(19);
  // Another phone where the officer is logged in.
  const other = await newPhoneContext(browser, false);
  const otherPage = await other.newPage();
  await otherPage.request.post("/api/connexion", {
    form: { email, password: E2E_PASSWORD, next: "" },
    headers: { origin: "http://127.0.0.1:3100" },
  });
  await otherPage.goto("/mes-formations");
  await expect(otherPage).toHaveURL(pathIs("/mes-formations"));

  const asked = Date.now();
  await open(page, "/connexion", true);
  await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
  await expect(page).toHaveURL(pathIs("/mot-de-passe-oublie"));
  await page.getByLabel("Adresse électronique", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Recevoir un lien" }).click();
  await expect(page).toHaveURL(pathIs("/connexion"));
  await expect(page.getByRole("status")).toContainText("Si un compte correspond à cette adresse");

  const token = await emailedToken(email, asked);
  await page.goto(`/mot-de-passe?jeton=${token}`);
  await page.getByLabel("Nouveau mot de passe", { exact: true }).fill("Nouveau-motdepasse-19");
  await page.getByLabel("Le même, pour confirmer").fill("Nouveau-motdepasse-19");
  await page.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(page).toHaveURL(pathIs("/connexion"));
  await expect(page.getByRole("status")).toContainText("Votre mot de passe est changé");

  // The new password opens the account; the other phone was logged out.
  await page.getByLabel("Adresse électronique", { exact: true }).fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill("Nouveau-motdepasse-19");
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page).toHaveURL(pathIs("/formations"));
  await otherPage.goto("/mes-formations");
  await expect(otherPage).toHaveURL(pathIs("/connexion"));

  // The link served once.
  await page.goto(`/mot-de-passe?jeton=${token}`);
  await expect(page.getByText("Ce lien n'est plus valable")).toBeVisible();
  await expect(page.getByRole("button", { name: "Enregistrer le mot de passe" })).toHaveCount(0);
  await other.close();
});
