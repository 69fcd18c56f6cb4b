// Shared by playwright.config.ts and the tests' extra browser contexts: the phone the officers
// use (iPhone-12-sized viewport, touch), French locale, Paris time.
import type { BrowserContextOptions } from "@playwright/test";

export const BASE_URL = "http://127.0.0.1:3100";

export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: "fr-FR",
  timezoneId: "Europe/Paris",
};

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Debian's chromium as root, on a machine whose only network is the loopback.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
