#!/usr/bin/env bash
# Installs what building and testing Cassiopée needs, and skips what is already there.
#
#   source scripts/setup.sh [demo|test]   # what scripts/demo.sh and scripts/test.sh do
#   bash scripts/setup.sh [demo|test]     # install only
#
# demo: wasm32 target, cargo-leptos, wasm-bindgen-cli (Cargo.lock's version), npm packages
#       (binaryen's wasm-opt, DSFR), DSFR assets copied into public/dsfr/.
# test: the same, plus rustfmt and clippy, Debian's chromium for Playwright, Debian's nginx for
#       the production topology's test, and aiosmtpd (PyPI)
#       for the SMTP tests.
#
# When sourced, it leaves end2end/node_modules/.bin (wasm-opt 132 from npm `binaryen`) and
# ~/.cargo/bin on PATH for the caller. Only rustup, Node 20 and the crates.io, npm and Debian
# registries are used: nothing is downloaded from anywhere else.
set -euo pipefail

CAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CAS_CARGO_LEPTOS_VERSION="0.3.11"

cas_say() { printf '[setup] %s\n' "$*"; }
cas_die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

cas_as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        cas_die "'$*' needs root and sudo is not installed"
    fi
}

cas_rust() {
    if [[ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]]; then
        case ":$PATH:" in
            *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
            *) export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
        esac
    fi
    command -v cargo >/dev/null 2>&1 || cas_die "cargo not found: install Rust with rustup first"
    command -v rustup >/dev/null 2>&1 || cas_die "rustup not found: install Rust with rustup first"

    if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
        cas_say "wasm32-unknown-unknown target: present"
    else
        cas_say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
}

cas_rust_lint_tools() {
    local missing=()
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if ((${#missing[@]})); then
        cas_say "adding rustup components: ${missing[*]}"
        rustup component add "${missing[@]}"
    else
        cas_say "rustfmt and clippy: present"
    fi
}

cas_cargo_leptos() {
    local have
    have="$(cargo leptos --version 2>/dev/null || true)"
    if grep -qE "(^|[^0-9.])${CAS_CARGO_LEPTOS_VERSION//./\\.}([^0-9.]|$)" <<<"$have"; then
        cas_say "cargo-leptos ${CAS_CARGO_LEPTOS_VERSION}: present"
        return
    fi
    cas_say "installing cargo-leptos ${CAS_CARGO_LEPTOS_VERSION} (about 20 min on 2 cores, once per machine)"
    # One of its dependencies claims a newer rustc than it needs; it builds fine on ours.
    cargo install cargo-leptos --version "${CAS_CARGO_LEPTOS_VERSION}" --locked --ignore-rust-version
}

cas_wasm_bindgen() {
    local want have
    want="$(awk '
        $0 == "name = \"wasm-bindgen\"" { found = 1; next }
        found && /^version = / { gsub(/^version = "|"$/, ""); print; exit }
        /^\[\[package\]\]/ { found = 0 }
    ' "$CAS_ROOT/Cargo.lock")"
    [[ -n "$want" ]] || cas_die "no wasm-bindgen package in Cargo.lock"
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
    if [[ "$have" == "$want" ]]; then
        cas_say "wasm-bindgen-cli ${want}: present"
        return
    fi
    cas_say "installing wasm-bindgen-cli ${want} (Cargo.lock's wasm-bindgen; found '${have:-none}'; about 4 min)"
    # Without --locked: its own lock file does not build here.
    cargo install wasm-bindgen-cli --version "$want" --force
}

# npm ci (npm install while there is no lock file yet) in one folder, skipped when the
# installed tree was made from the same package-lock.json.
cas_npm() {
    local dir="$CAS_ROOT/$1" stamp sum
    command -v npm >/dev/null 2>&1 || cas_die "npm not found: install Node.js 20 first"
    stamp="$dir/node_modules/.cassiopee-lock.sha256"
    if [[ -f "$dir/package-lock.json" ]]; then
        sum="$(sha256sum "$dir/package-lock.json" "$dir/package.json" | sha256sum | cut -d' ' -f1)"
        if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
            cas_say "npm packages in $1/: present"
            return
        fi
        cas_say "npm ci in $1/"
        (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
        echo "$sum" >"$stamp"
    else
        cas_say "npm install in $1/ (no package-lock.json yet)"
        (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
    fi
}

cas_wasm_opt_path() {
    local bin="$CAS_ROOT/end2end/node_modules/.bin"
    [[ -x "$bin/wasm-opt" ]] || cas_die "$bin/wasm-opt missing after npm ci in end2end/"
    case ":$PATH:" in
        *":$bin:"*) ;;
        *) export PATH="$bin:$PATH" ;;
    esac
    cas_say "wasm-opt on PATH: $("$bin/wasm-opt" --version)"
}

# The DSFR package refuses to install (its preinstall script exits 1) until its terms of use
# (node_modules/@gouvfr/dsfr/doc/legal/cgu.md, "Modalités d'utilisation") are accepted, either
# with style/.dsfr.yml containing `accept-license: <cgu version>` or DSFR_ACCEPT_LICENSE=1.
# Accepting them is the project owner's decision, not this script's: without it the DSFR is
# skipped and the app runs with its own stylesheet only.
cas_dsfr_accepted() {
    [[ "${DSFR_ACCEPT_LICENSE:-}" == "1" ]] || [[ -f "$CAS_ROOT/style/.dsfr.yml" ]]
}

# Copies into public/dsfr/<version>/ only what the pages use: dsfr.min.css, the favicons, and
# the files the stylesheet references with url(...) (the Marianne/Spectral fonts and about 60
# icons). The version in the path is app::assets::DSFR's (a test keeps it equal to
# style/package-lock.json's): the server lets browsers keep these files a year. No DSFR
# JavaScript: the app works without it.
cas_dsfr_copy() {
    local src="$CAS_ROOT/style/node_modules/@gouvfr/dsfr/dist" dsfr_root="$CAS_ROOT/public/dsfr"
    local version dest tmp ref count=0
    [[ -f "$src/dsfr.min.css" ]] || cas_die "$src/dsfr.min.css missing after npm ci in style/"
    version="$(node -p "require(process.argv[1]).version" "$CAS_ROOT/style/node_modules/@gouvfr/dsfr/package.json")"
    dest="$dsfr_root/$version"
    if [[ -f "$dest/dsfr.min.css" && -f "$dest/.version" && "$(cat "$dest/.version")" == "$version" ]]; then
        cas_say "DSFR ${version} assets in public/dsfr/${version}/: present"
        return
    fi
    mkdir -p "$CAS_ROOT/public"
    tmp="$(mktemp -d "$CAS_ROOT/public/.dsfr-tmp.XXXXXX")"
    cp "$src/dsfr.min.css" "$tmp/"
    cp -R "$src/favicon" "$tmp/"
    while IFS= read -r ref; do
        ref="${ref%%[?#]*}"
        case "$ref" in
            '' | data:* | /* | *://* | *..*) continue ;;
        esac
        if [[ -f "$src/$ref" ]]; then
            mkdir -p "$tmp/$(dirname "$ref")"
            cp "$src/$ref" "$tmp/$ref"
            count=$((count + 1))
        else
            cas_say "warning: dsfr.min.css references $ref, absent from the package"
        fi
    done < <(grep -oE 'url\([^)]*\)' "$src/dsfr.min.css" \
        | sed -E "s/^url\\([\"']?//; s/[\"']?\\)\$//" | sort -u)
    echo "$version" >"$tmp/.version"
    # Other versions, and the files of the layout without a version, go.
    rm -rf "$dsfr_root"
    mkdir -p "$dsfr_root"
    mv "$tmp" "$dest"
    chmod 755 "$dsfr_root" "$dest"
    cas_say "DSFR ${version} copied to public/dsfr/${version}/ (${count} referenced files, $(du -sh "$dest" | cut -f1))"
}

cas_dsfr() {
    if ! cas_dsfr_accepted; then
        cas_say "DSFR skipped: its terms of use are not accepted for this project (see README, 'DSFR')"
        return
    fi
    cas_npm style
    cas_dsfr_copy
}

# The DSFR's Marianne and Spectral fonts carry every Latin script (58 KB each in woff2); the
# pages are French. fontTools (PyPI) keeps the characters of French text and its typography
# (Latin-1, œ, Ÿ, quotes, dashes, thin spaces, €, arrows) in public/dsfr/<version>/fonts-fr1/,
# about 29 KB each, which style/build.mjs points the stylesheet at. The directory's name
# carries the subset's version: browsers keep these files a year, so a change of the character
# list below must come with a new name (fonts-fr2), here and in style/build.mjs.
CAS_FONTTOOLS_VERSION="4.68.0"
CAS_BROTLI_VERSION="1.2.1"
CAS_FONT_CHARS="U+0020-007E,U+00A0-00FF,U+0152-0153,U+0178,U+02BC,U+02C6,U+02DC,U+2009-200B,U+2010-2014,U+2018-201E,U+2022,U+2026,U+202F,U+20AC,U+2190,U+2192"
cas_fonts() {
    local dir version out font count=0
    dir="$(find "$CAS_ROOT/public/dsfr" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' 2>/dev/null | head -n 1)"
    [[ -n "$dir" && -d "$dir/fonts" ]] || return 0
    version="$(basename "$dir")"
    out="$dir/fonts-fr1"
    if [[ -f "$out/.done" ]]; then
        cas_say "French subsets of the DSFR ${version} fonts: present"
        return
    fi
    if ! python3 -c "import fontTools, brotli" >/dev/null 2>&1; then
        cas_say "installing fontTools $CAS_FONTTOOLS_VERSION and brotli (PyPI), to cut the fonts"
        python3 -m pip install --quiet --disable-pip-version-check \
            "fonttools==$CAS_FONTTOOLS_VERSION" "brotli==$CAS_BROTLI_VERSION" \
            || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages \
                "fonttools==$CAS_FONTTOOLS_VERSION" "brotli==$CAS_BROTLI_VERSION"
    fi
    mkdir -p "$out"
    for font in "$dir"/fonts/*.woff2; do
        python3 -m fontTools.subset "$font" --unicodes="$CAS_FONT_CHARS" --layout-features='*' \
            --flavor=woff2 --output-file="$out/$(basename "$font")" \
            || cas_die "fontTools could not cut $font"
        count=$((count + 1))
    done
    touch "$out/.done"
    cas_say "French subsets of the DSFR ${version} fonts in public/dsfr/${version}/fonts-fr1/ (${count} fonts, $(du -sh "$out" | cut -f1))"
}

# The app's one stylesheet, target/style/cassiopee.css (cargo-leptos's style-file): the DSFR
# rules the markup uses (PurgeCSS, from end2end/node_modules) and style/main.css. Built at each
# setup, so that a class newly used in the code is in the next build.
cas_style() {
    node "$CAS_ROOT/style/build.mjs" || cas_die "style/build.mjs failed"
}

cas_chromium() {
    if [[ -x /usr/bin/chromium ]]; then
        cas_say "chromium: present"
        return
    fi
    cas_say "installing Debian's chromium (about 1.5 min)"
    cas_as_root apt-get update -q
    cas_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
    [[ -x /usr/bin/chromium ]] || cas_die "/usr/bin/chromium missing after apt-get install chromium"
}

# The production topology's test (scripts/topology.sh) puts Debian's nginx in front of two
# instances; the light flavour has the proxy and upstream modules it needs.
cas_nginx() {
    if [[ -x /usr/sbin/nginx ]]; then
        cas_say "nginx: present"
        return
    fi
    cas_say "installing Debian's nginx-light"
    cas_as_root apt-get update -q
    # No service is started by the package here: the test runs its own nginx on loopback.
    cas_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light
    [[ -x /usr/sbin/nginx ]] || cas_die "/usr/sbin/nginx missing after apt-get install nginx-light"
}

# The tests start a real SMTP server: aiosmtpd (aio-libs), from PyPI.
CAS_AIOSMTPD_VERSION="1.4.6"
cas_smtp_server() {
    if python3 -c "import aiosmtpd" >/dev/null 2>&1; then
        cas_say "aiosmtpd: present"
        return
    fi
    command -v python3 >/dev/null 2>&1 || cas_die "python3 not found: the SMTP tests need it"
    cas_say "installing aiosmtpd $CAS_AIOSMTPD_VERSION (the SMTP server of the tests)"
    python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==$CAS_AIOSMTPD_VERSION" \
        || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages \
            "aiosmtpd==$CAS_AIOSMTPD_VERSION"
    python3 -c "import aiosmtpd" || cas_die "aiosmtpd missing after pip install"
}

cas_setup() {
    local mode="${1:-test}"
    case "$mode" in
        demo | test) ;;
        *) cas_die "unknown mode '$mode' (demo or test)" ;;
    esac
    command -v node >/dev/null 2>&1 || cas_die "node not found: install Node.js 20 first"
    cas_say "setting up for '$mode' in $CAS_ROOT"
    cas_rust
    if [[ "$mode" == test ]]; then cas_rust_lint_tools; fi
    cas_cargo_leptos
    cas_wasm_bindgen
    # cargo-leptos copies public/ (assets-dir) into the site; git does not keep it when empty.
    mkdir -p "$CAS_ROOT/public"
    cas_npm end2end
    cas_wasm_opt_path
    cas_dsfr
    cas_fonts
    cas_style
    if [[ "$mode" == test ]]; then
        cas_chromium
        cas_nginx
        cas_smtp_server
    fi
    cas_say "done"
}

cas_setup "$@"
