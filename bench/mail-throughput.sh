#!/usr/bin/env bash
# Prints how many emails per second one outbox worker sends to a real SMTP server (aiosmtpd,
# started by the benchmark on a free port): 1,000 queued emails with text, HTML and a calendar
# file, drained from a SQLite outbox. Needs python3 with aiosmtpd (scripts/setup.sh test).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cargo test -p server --release -- --ignored --nocapture mailer::tests::throughput 2>&1 \
    | grep -E "mail throughput|test result|panicked"
