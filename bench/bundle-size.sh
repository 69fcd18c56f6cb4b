#!/usr/bin/env bash
# Prints the size of what an officer's phone downloads to hydrate a page: the wasm bundle, its JS
# glue and the app's CSS, raw and brotli-compressed (quality 11, as a static pre-compression
# would serve it). Budget from the foundation issue: wasm + js ≤ 200 KB brotli; over it, the
# script exits with status 1 (scripts/test.sh runs it after the release build).
# Needs a release build: `cargo leptos build --release`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/target/site/pkg"
[[ -d "$PKG" ]] || { echo "no $PKG: run 'cargo leptos build --release' first" >&2; exit 1; }
node - "$PKG" <<'JS'
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const dir = process.argv[2];
const q = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } };
let rawJsWasm = 0, brJsWasm = 0;
console.log("file".padEnd(28), "raw KB".padStart(10), "brotli KB".padStart(10));
for (const f of fs.readdirSync(dir).sort()) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const data = fs.readFileSync(path.join(dir, f));
  const br = zlib.brotliCompressSync(data, q).length;
  if (/\.(wasm|js)$/.test(f)) { rawJsWasm += data.length; brJsWasm += br; }
  console.log(f.padEnd(28), (data.length / 1024).toFixed(1).padStart(10), (br / 1024).toFixed(1).padStart(10));
}
console.log("wasm + js".padEnd(28), (rawJsWasm / 1024).toFixed(1).padStart(10), (brJsWasm / 1024).toFixed(1).padStart(10));
const within = brJsWasm / 1024 <= 200;
console.log(`budget 200 KB brotli: ${within ? "within" : "OVER"}`);
if (!within) process.exitCode = 1;
JS
