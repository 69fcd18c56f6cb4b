// Builds target/style/cassiopee.css, the app's one stylesheet (cargo-leptos's `style-file`,
// which it minifies and names after its content's hash): the rules of the DSFR that the app's
// markup uses, then style/main.css. Run by scripts/setup.sh, so before every build of
// scripts/demo.sh, scripts/test.sh and bench/run.sh; run it again after using a DSFR class the
// app did not use before (`node style/build.mjs`).
//
// The DSFR stylesheet is 728 KB (62 KB brotli) and a page uses a small part of it: PurgeCSS
// keeps the rules whose class, element or attribute names appear in the app's sources. Names
// the code builds at run time are kept by the safelist below. Fonts and icons stay where
// scripts/setup.sh copied them, under /dsfr/<version>/, the stylesheet pointing there.
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "end2end", "package.json"));
const { PurgeCSS } = require("purgecss");

const own = readFileSync(join(root, "style", "main.css"), "utf8");
const out = join(root, "target", "style", "cassiopee.css");
mkdirSync(dirname(out), { recursive: true });

const dsfrRoot = join(root, "public", "dsfr");
const versions = existsSync(dsfrRoot) ? readdirSync(dsfrRoot).filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];
if (versions.length !== 1 || !existsSync(join(dsfrRoot, versions[0], "dsfr.min.css"))) {
  // The DSFR's terms of use not accepted (see README, « DSFR »): the app's own rules only.
  writeFileSync(out, own);
  console.log(`[style] ${out}: style/main.css only (no DSFR in public/dsfr/)`);
  process.exit(0);
}
const version = versions[0];
const dsfrCss = join(dsfrRoot, version, "dsfr.min.css");

const [result] = await new PurgeCSS().purge({
  content: [
    join(root, "app", "src", "**", "*.rs"),
    join(root, "server", "src", "web.rs"),
    join(root, "public", "hors-ligne.js"),
  ],
  css: [dsfrCss],
  defaultExtractor: (text) => text.match(/[A-Za-z0-9_-]+/g) || [],
  keyframes: true,
  fontFace: false,
  variables: false,
  safelist: {
    // Built by the code: `fr-{family}-group--error` (forms.rs), badges chosen by status.
    standard: [/^fr-input-group/, /^fr-select-group/, /^fr-badge--/, /^fr-alert--/],
  },
});
// The DSFR's addresses are relative to its own file: point them at /dsfr/<version>/, and its
// woff2 fonts at their French subsets when scripts/setup.sh made them (fonts-fr1/).
const subset = (path) =>
  /^fonts\/[^/]+\.woff2$/.test(path) && existsSync(join(dsfrRoot, version, "fonts-fr1", path.slice(6)))
    ? `fonts-fr1/${path.slice(6)}`
    : path;
const dsfr = result.css.replace(
  /url\((["']?)(?!data:|\/|https?:)([^)"']+)\1\)/g,
  (_, quote, path) => `url(${quote}/dsfr/${version}/${subset(path)}${quote})`,
);
writeFileSync(
  out,
  `/* DSFR ${version} (@gouvfr/dsfr), the rules Cassiopée uses — see style/build.mjs */\n${dsfr}\n${own}`,
);
const kb = (n) => (n / 1024).toFixed(0);
console.log(
  `[style] ${out}: DSFR ${version} ${kb(readFileSync(dsfrCss).length)} KB → ${kb(dsfr.length)} KB, ` +
    `with style/main.css`,
);
