// Every spec imports `test` from here: the app runs under its Content-Security-Policy (nonces on
// the hydration scripts), and a test fails when the browser reports any violation of it in the
// console, in the default context or in one a test opens itself.
import { test as base, expect, type BrowserContext } from "@playwright/test";

export { expect };

const watched = new WeakSet<BrowserContext>();
const violations: string[] = [];

function watch(context: BrowserContext): BrowserContext {
  if (!watched.has(context)) {
    watched.add(context);
    context.on("console", (message) => {
      if (/Content.Security.Policy/i.test(message.text())) {
        violations.push(`${message.location().url}: ${message.text()}`);
      }
    });
  }
  return context;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export const test = base.extend<{ noCspViolation: void }, {}>({
  context: async ({ context }, use) => {
    await use(watch(context));
  },
  browser: [
    async ({ browser }, use) => {
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => watch(await newContext(options));
      await use(browser);
    },
    { scope: "worker" },
  ],
  noCspViolation: [
    async ({}, use) => {
      violations.length = 0;
      await use();
      expect(violations, "violations of the Content-Security-Policy").toEqual([]);
    },
    { auto: true },
  ],
});
