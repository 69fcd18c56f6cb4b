import { defineConfig } from "@playwright/test";
import { BASE_URL, CHROMIUM_ARGS, CHROMIUM_PATH, PHONE } from "./phone";

// Runs against the release binary started by ../scripts/e2e-server.sh (fresh SQLite database
// with the demo data and the officers e2e-1 … e2e-19; with CASSIOPEE_E2E_TOPOLOGY=nginx, two
// instances on PostgreSQL behind nginx). Build first: `cargo leptos build --release`.
// Browsers are never downloaded: Debian's chromium (/usr/bin/chromium) is used.
export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A stray `test.only` would shrink the run to one test and still pass: always refused.
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    ...PHONE,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "phone-chromium",
      use: { browserName: "chromium" },
    },
  ],
  webServer: {
    command: "bash ../scripts/e2e-server.sh",
    url: `${BASE_URL}/connexion`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    // Stopped as systemd stops it: the instances answer what is in flight and finish their
    // email batch, so that every email written is also marked sent.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
