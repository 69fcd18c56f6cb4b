// (d) and (e) Access rules: staff pages refuse officers, officer pages need a login.
import { expect, test } from "./fixtures";
import { login, officer, pathIs } from "./helpers";

test("an officer opening /gestion gets 403 « Accès refusé »", async ({ page }) => {
  await login(page, officer(6), true);
  const response = await page.goto("/gestion");
  expect(response, "the response to GET /gestion").not.toBeNull();
  expect(response!.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
});

test("an anonymous visit to /mes-formations ends on /connexion", async ({ page }) => {
  await page.goto("/mes-formations");
  await expect(page).toHaveURL(pathIs("/connexion"));
  await expect(page.getByLabel("Adresse électronique", { exact: true })).toBeVisible();
});
