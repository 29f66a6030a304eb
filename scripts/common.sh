# Shared helpers for the scripts in this folder. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
# The npm build tools (wasm-opt, esbuild), then cargo-installed tools, come first.
export PATH="$REPO_ROOT/tools/node_modules/.bin:$CARGO_BIN:$PATH"

if [ -t 1 ]; then
  say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
else
  say() { printf '==> %s\n' "$*"; }
fi
ok() { printf '    ok: %s\n' "$*"; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# INSTALL_DRY_RUN=1: check everything, install nothing, say what would be run.
DRY_RUN="${INSTALL_DRY_RUN:-0}"
install_cmd() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '    (dry run) would run: %s\n' "$*"
    return 0
  fi
  "$@"
}

# `apt-get update` at most once per script run, and only when something is
# actually missing.
APT_UPDATED=0
apt_install() {
  if ! is_root; then
    die "missing Debian package(s): $*. Install them as root: apt-get update && apt-get install -y $*"
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    say "installing: apt-get update"
    install_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    APT_UPDATED=1
  fi
  say "installing: apt-get install $*"
  install_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null
}

# The version of a package in Cargo.lock, e.g. `lock_version wasm-bindgen`.
lock_version() {
  awk -v name="$1" '
    $0 == "name = \"" name "\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' "$REPO_ROOT/Cargo.lock"
}

# Prints the first line of `CMD --version`, or nothing when CMD is missing.
tool_version() {
  command -v "$1" >/dev/null 2>&1 || return 0
  "$1" --version 2>/dev/null | head -n1 || true
}

# node >= 20 (playwright-core and binaryen need it).
ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "Node.js or npm missing"
    apt_install nodejs npm
    [ "$DRY_RUN" = 1 ] && return 0
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "node $(node --version) is too old: need Node.js 20 or newer"
  ok "node $(node --version), npm $(npm --version)"
}

# `npm ci` in DIR unless DIR/node_modules already holds exactly what
# DIR/package-lock.json pins (npm's own record: node_modules/.package-lock.json).
npm_ci() {
  local dir="$1"
  # Optional packages for other platforms (esbuild's binaries for each OS)
  # are in the lock file but never installed: they do not count as missing.
  if [ -f "$dir/node_modules/.package-lock.json" ] && node -e '
    const packages = (f) => {
      const p = { ...require(f).packages };
      delete p[""];
      return p;
    };
    const locked = packages(process.argv[1]);
    const installed = packages(process.argv[2]);
    const pick = (p, keep) =>
      JSON.stringify(Object.keys(p).filter(keep).sort().map((k) => [k, p[k].version, p[k].integrity]));
    const wanted = pick(locked, (k) => !locked[k].optional || k in installed);
    process.exit(wanted === pick(installed, () => true) ? 0 : 1);
  ' "$dir/package-lock.json" "$dir/node_modules/.package-lock.json"; then
    ok "${dir#"$REPO_ROOT"/}/node_modules matches its package-lock.json"
    return
  fi
  say "installing: npm ci in ${dir#"$REPO_ROOT"/}"
  (cd "$dir" && install_cmd npm ci --no-audit --no-fund --loglevel=error </dev/null)
}
