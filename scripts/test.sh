#!/usr/bin/env bash
# Runs test layers and ends with a summary: one line per layer, then the
# totals of the test runners (cargo test, wasm-bindgen-test, node --test).
# Exits non-zero when any layer fails. Tools must already be installed
# (make test / scripts/install-*.sh do that).
#
#   scripts/test.sh all                  # lint native wasm build size e2e
#   scripts/test.sh native               # one layer
#   scripts/test.sh build e2e            # several, in this order
#
# Layers:
#   lint    cargo fmt --check; cargo clippy (native --all-targets, and the
#           wasm32 lib + browser tests), warnings denied
#   native  cargo test
#   wasm    cargo test --target wasm32-unknown-unknown --test wasm, in headless
#           Chromium (wasm-bindgen-test-runner + chromedriver)
#   build   trunk build --release --offline  ->  dist/
#   size    gzip size of each file in dist/ and the total, against the budget
#   e2e     node --test tests/e2e/: playwright-core + Chromium against dist/
#           served under /raft-playground/ by tests/e2e/static-server.mjs
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

ALL=(lint native wasm build size e2e)
layers=("$@")
[ "${#layers[@]}" -gt 0 ] || layers=(all)
if [ "${layers[*]}" = all ]; then layers=("${ALL[@]}"); fi

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-$REPO_ROOT/tests/webdriver.json}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
WASM_TARGET=(--target wasm32-unknown-unknown --no-default-features)

layer_lint() {
  cargo fmt --check &&
    cargo clippy --all-targets -- -D warnings &&
    cargo clippy "${WASM_TARGET[@]}" --lib --test wasm --test wasm_facade -- -D warnings
}
layer_native() { cargo test; }
layer_wasm() { cargo test "${WASM_TARGET[@]}" --test wasm --test wasm_facade; }
layer_build() { trunk build --release --offline; }
layer_size() { bash "$REPO_ROOT/scripts/page-weight.sh" "$REPO_ROOT/dist"; }
layer_e2e() {
  node --test --test-reporter=spec --test-reporter-destination=stdout tests/e2e/
}

LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT
declare -A status seconds
failed_layers=0
passed_layers=0
build_failed=0

for layer in "${layers[@]}"; do
  if ! declare -F "layer_$layer" >/dev/null; then
    die "unknown layer '$layer' (known: ${ALL[*]})"
  fi
  if [ "$build_failed" = 1 ] && { [ "$layer" = size ] || [ "$layer" = e2e ]; }; then
    status[$layer]="SKIPPED (no dist: build failed)"
    failed_layers=$((failed_layers + 1))
    continue
  fi
  say "layer: $layer"
  start=$SECONDS
  "layer_$layer" 2>&1 | tee "$LOGDIR/$layer.log"
  rc=${PIPESTATUS[0]}
  seconds[$layer]=$((SECONDS - start))
  if [ "$rc" = 0 ]; then
    status[$layer]=ok
    passed_layers=$((passed_layers + 1))
  else
    status[$layer]="FAILED (exit $rc)"
    failed_layers=$((failed_layers + 1))
    [ "$layer" = build ] && build_failed=1
  fi
done

# Test counts from the runners' own summary lines.
count() { # LOG -> "PASSED FAILED"
  sed 's/\x1b\[[0-9;]*m//g' "$1" | awk '
    /^test result: / {
      for (i = 1; i <= NF; i++) {
        if ($(i) ~ /^passed;?$/) p += $(i - 1)
        if ($(i) ~ /^failed;?$/) f += $(i - 1)
      }
    }
    /^ℹ pass [0-9]+$/ { p += $3 }
    /^ℹ fail [0-9]+$/ { f += $3 }
    END { print p + 0, f + 0 }'
}

echo
echo "==================== summary ===================="
total_pass=0
total_fail=0
for layer in "${layers[@]}"; do
  detail=""
  p=0
  f=0
  if [ -f "$LOGDIR/$layer.log" ]; then
    case $layer in
      native | wasm | e2e)
        read -r p f < <(count "$LOGDIR/$layer.log")
        total_pass=$((total_pass + p))
        total_fail=$((total_fail + f))
        detail="$p passed, $f failed"
        ;;
      size) detail="$(grep -o 'page weight: .*' "$LOGDIR/size.log" | head -n1)" ;;
    esac
    # A runner that failed before reporting counts (compile error, no
    # browser) still counts as a failed test.
    case $layer in native | wasm | e2e)
      if [ "${status[$layer]}" != ok ] && [ "$f" = 0 ]; then total_fail=$((total_fail + 1)); fi ;;
    esac
  fi
  printf '%-7s %-32s %5ss  %s\n' "$layer" "${status[$layer]}" "${seconds[$layer]:--}" "$detail"
done
echo "================================================="
echo "layers: $passed_layers passed, $failed_layers failed"
echo "tests: $total_pass passed, $total_fail failed"
[ "$failed_layers" = 0 ]
