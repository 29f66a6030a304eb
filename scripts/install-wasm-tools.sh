#!/usr/bin/env bash
# Installs what building the page needs, skipping whatever is already there at
# the right version:
#   - the wasm32-unknown-unknown Rust target (rustup)
#   - trunk 0.21.14 (cargo install --locked)
#   - wasm-bindgen-cli (wasm-bindgen, wasm-bindgen-test-runner) at exactly the
#     wasm-bindgen version in Cargo.lock (cargo install)
#   - wasm-opt (binaryen) and esbuild from npm, pinned in
#     tools/package-lock.json (npm ci)
#   - every crate in Cargo.lock, for all targets (cargo fetch), so that
#     `trunk build --offline` / `trunk serve --offline` work
# INSTALL_DRY_RUN=1 checks only and says what it would install.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

TRUNK_VERSION=0.21.14

# Tools build faster without their release profile's fat LTO and single
# codegen unit (trunk: ~24% less wall time measured here); they run for
# seconds at most, so their own speed does not matter.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup first"

say "Rust target wasm32-unknown-unknown"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  ok "installed"
else
  command -v rustup >/dev/null 2>&1 || die "rustup not found: cannot add the wasm32-unknown-unknown target"
  say "installing: rustup target add wasm32-unknown-unknown"
  install_cmd rustup target add wasm32-unknown-unknown
fi

say "trunk $TRUNK_VERSION"
have="$(tool_version trunk)"
if [ "$have" = "trunk $TRUNK_VERSION" ]; then
  ok "$have"
else
  say "installing trunk $TRUNK_VERSION (found: ${have:-none}); this compiles for several minutes"
  install_cmd cargo install trunk --version "$TRUNK_VERSION" --locked
fi

WB_VERSION="$(lock_version wasm-bindgen)"
[ -n "$WB_VERSION" ] || die "no wasm-bindgen in Cargo.lock"
say "wasm-bindgen-cli $WB_VERSION (the wasm-bindgen version in Cargo.lock)"
have_wb="$(tool_version wasm-bindgen)"
have_runner="$(tool_version wasm-bindgen-test-runner)"
if [ "$have_wb" = "wasm-bindgen $WB_VERSION" ] && [ "$have_runner" = "wasm-bindgen-test-runner $WB_VERSION" ]; then
  ok "$have_wb, $have_runner"
else
  say "installing wasm-bindgen-cli $WB_VERSION (found: ${have_wb:-none}); this compiles for a couple of minutes"
  # Not --locked: the lockfile shipped with wasm-bindgen-cli does not build here.
  install_cmd cargo install wasm-bindgen-cli --version "=$WB_VERSION" --force
fi

say "wasm-opt and esbuild (npm, tools/package-lock.json)"
ensure_node
npm_ci "$REPO_ROOT/tools"
[ "$DRY_RUN" = 1 ] || ok "$(command -v wasm-opt): $(tool_version wasm-opt)"
[ "$DRY_RUN" = 1 ] || ok "$(command -v esbuild): esbuild $(esbuild --version)"

say "crates for every target (cargo fetch), so --offline builds work"
install_cmd cargo fetch --quiet
ok "fetched"
