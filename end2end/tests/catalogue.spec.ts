// The catalogue on a phone (issue 12): the filters stay folded until used, so that the first
// screen of a 390×844 phone shows a session; they open without script and say how many apply.
import { expect, test } from "./fixtures";
import { login, newPhoneContext, officer, open } from "./helpers";

for (const js of [true, false]) {
  test(`the first screen of /formations shows a session, filters folded (${js ? "with" : "without"} JavaScript)`, async ({ browser }) => {
    const context = await newPhoneContext(browser, js);
    const page = await context.newPage();
    await login(page, officer(8), js);
    await open(page, "/formations", js);
    const first = page.locator(".cas-session").first();
    await expect(first).toBeVisible();
    const box = await first.boundingBox();
    expect(box, "the first session's box").not.toBeNull();
    expect(box!.y, "the first session starts on the first screen").toBeLessThan(844);

    const filters = page.locator("details.cas-filter-box");
    await expect(filters.getByLabel("Thème")).toBeHidden();
    await filters.locator("summary").click();
    const theme = filters.getByLabel("Thème");
    await expect(theme).toBeVisible();
    // Open, the filters fit the phone's width: nothing to scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const choice = await theme.locator("option").nth(1).getAttribute("value");
    await theme.selectOption(choice!);
    await filters.getByRole("button", { name: "Filtrer" }).click();
    await expect(page).toHaveURL(/theme=/);
    await expect(page.locator("details.cas-filter-box summary")).toHaveText("Filtrer les sessions (1 filtre actif)");
    await expect(page.locator("details.cas-filter-box")).toHaveAttribute("open", "");
    await context.close();
  });
}

test("the catalogue comes a page of trainings at a time, « Suivantes » and « Précédentes » without JavaScript", async ({
  browser,
}) => {
  const context = await newPhoneContext(browser, false);
  try {
    const page = await context.newPage();
    await login(page, officer(8), false);
    await open(page, "/formations", false);
    const titles = () => page.locator(".cas-training__title").allTextContents();
    const first = await titles();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(8);
    await expect(page.getByText(/^Page 1 sur \d+$/)).toBeVisible();
    await page.locator('a[rel="next"]').click();
    await expect(page).toHaveURL(/[?&]page=2\b/);
    await expect(page.getByText(/^Page 2 sur \d+$/)).toBeVisible();
    const second = await titles();
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((t) => first.includes(t))).toEqual([]);
    await page.locator('a[rel="prev"]').click();
    await expect(page.getByText(/^Page 1 sur \d+$/)).toBeVisible();
    expect(await titles()).toEqual(first);
  } finally {
    await context.close();
  }
});
