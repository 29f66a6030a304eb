#!/usr/bin/env bash
# Installs what the browser tests need on top of scripts/install-wasm-tools.sh,
# skipping whatever is already there:
#   - Chromium and ChromeDriver: Debian packages chromium, chromium-driver
#     (/usr/bin/chromium, /usr/bin/chromedriver); as root, else says what to run
#   - the end-to-end test packages (playwright-core, no browser download; axe-core)
#     from tests/e2e/package-lock.json (npm ci)
# INSTALL_DRY_RUN=1 checks only and says what it would install.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

say "Chromium and ChromeDriver"
# The paths the tests use (tests/e2e/helpers.mjs, tests/webdriver.json,
# scripts/test.sh); overridable only to exercise this check.
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
CHROMEDRIVER_BIN="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"
missing=()
[ -x "$CHROMIUM_BIN" ] || missing+=(chromium)
[ -x "$CHROMEDRIVER_BIN" ] || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
  say "missing: ${missing[*]}"
  apt_install "${missing[@]}"
fi
if [ "$DRY_RUN" != 1 ]; then
  # Debian's chromium wrapper prints a harmless shell warning on some
  # machines; keep only the version line.
  ok "$("$CHROMIUM_BIN" --version 2>/dev/null | head -n1)"
  ok "$("$CHROMEDRIVER_BIN" --version 2>/dev/null | head -n1)"
fi

say "end-to-end test packages (tests/e2e/package-lock.json)"
ensure_node
npm_ci "$REPO_ROOT/tests/e2e"
