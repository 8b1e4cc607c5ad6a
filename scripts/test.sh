#!/usr/bin/env bash
# Runs the whole test suite on Node 20 (through tsx), Deno and Bun against one real ZooKeeper
# server that this script starts on a free loopback port and stops (by its PID) when done.
# Usage: scripts/test.sh [test file or folder ...]   (default: every test under tests/)
set -uo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund || exit 1
bash scripts/test-deps.sh || exit 1

echo "== formatting (deno fmt --check; run npx deno fmt to apply)"
npx deno fmt --check --quiet || exit 1
echo "== typecheck (tsc)"
npx tsc --noEmit -p . || exit 1
echo "== README examples type-check"
node --import tsx scripts/check-readme.ts || exit 1
# JSR refuses "slow types" (inferred public types) and a package without a license.
echo "== JSR publish check (deno publish --dry-run)"
npx deno publish --dry-run --allow-dirty --quiet || exit 1

# The CLI tests run the built bin (dist/cli.js), as users do: build it once here, before the
# runtimes, so they never race to build it (tests/cli/support.ts only checks it is fresh).
echo "== build dist/ if stale (scripts/ensure-dist.mjs)"
node scripts/ensure-dist.mjs || exit 1

zk_dir=$(mktemp -d "${TMPDIR:-/tmp}/stormkeeper-zk.XXXXXX")
trap 'bash scripts/zookeeper.sh stop "$zk_dir"; rm -rf "$zk_dir"' EXIT
port=$(bash scripts/zookeeper.sh start "$zk_dir") || exit 1
export ZK_CONNECT="127.0.0.1:$port"
echo "== ZooKeeper $(bash scripts/zookeeper.sh ruok "$port") on $ZK_CONNECT"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tests)
files=$(find "${targets[@]}" -name '*.test.ts' | sort)

declare -A passed failed
status=0
run() { # NAME COMMAND... ; parses the runner's own summary into pass/fail counts
  local name=$1; shift
  echo "== $name: $*"
  local log
  log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  case $name in
    node | node-embedded) passed[$name]=$(grep -E '^# pass ' "$log" | awk '{print $3}'); failed[$name]=$(grep -E '^# fail ' "$log" | awk '{print $3}') ;;
    deno | deno-embedded) # "ok | 3 passed (19 steps) | 1 failed (2 steps)": count steps where present
      local line
      line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \|' | tail -1)
      passed[$name]=$(echo "$line" | sed -E 's/.*\| ([0-9]+) passed( \(([0-9]+) steps?\))?.*/\1 \3/' | awk '{print ($2 != "" ? $2 : $1)}')
      failed[$name]=$(echo "$line" | grep -oE '[0-9]+ failed( \([0-9]+ steps?\))?' | sed -E 's/([0-9]+) failed( \(([0-9]+) steps?\))?/\1 \3/' | awk '{print ($2 != "" ? $2 : $1)}') ;;
    bun | bun-embedded) passed[$name]=$(grep -E '^ *[0-9]+ pass$' "$log" | awk '{print $1}'); failed[$name]=$(grep -E '^ *[0-9]+ fail$' "$log" | awk '{print $1}') ;;
  esac
  rm -f "$log"
  if [ "$rc" -ne 0 ]; then echo "== $name FAILED (exit $rc)"; status=1; fi
}

# shellcheck disable=SC2086
run node node --import tsx --test --test-concurrency=1 $files
# shellcheck disable=SC2086
run deno npx deno test -A --quiet $files
# shellcheck disable=SC2086
run bun npx bun test --timeout 120000 $files

# The integration suites once more, on each runtime, against the embedded server
# (stormkeeper/server) instead of Java: ZK_TARGET=embedded, and the few tests that need what only
# a real ZooKeeper has (TLS, SASL, quorum, read-only mode) skip themselves. Configured like
# zookeeper.sh's server. Deno and Bun add about 70 and 45 s to a full run on a loaded 2-core machine.
embedded_files=$(echo "$files" | grep -E '^tests/integration/' || true)
if [ -n "$embedded_files" ]; then
  embedded_log=$(mktemp)
  node --import tsx src/cli/main.ts server --port 0 --min-session-timeout 1000 --max-session-timeout 60000 --extended-types >"$embedded_log" 2>&1 &
  embedded_pid=$!
  trap 'kill "$embedded_pid" 2>/dev/null; bash scripts/zookeeper.sh stop "$zk_dir"; rm -rf "$zk_dir" "$embedded_log"' EXIT
  for _ in $(seq 100); do grep -q 'listening on' "$embedded_log" && break; sleep 0.1; done
  embedded_connect=$(sed -nE 's/.*listening on ([0-9.:]+).*/\1/p' "$embedded_log")
  if [ -z "$embedded_connect" ]; then cat "$embedded_log"; echo "== embedded server did not start"; status=1
  else
    # shellcheck disable=SC2086
    ZK_TARGET=embedded ZK_CONNECT=$embedded_connect run node-embedded node --import tsx --test --test-concurrency=1 $embedded_files
    # shellcheck disable=SC2086
    ZK_TARGET=embedded ZK_CONNECT=$embedded_connect run deno-embedded npx deno test -A --quiet $embedded_files
    # shellcheck disable=SC2086
    ZK_TARGET=embedded ZK_CONNECT=$embedded_connect run bun-embedded npx bun test --timeout 120000 $embedded_files
  fi
  kill "$embedded_pid" 2>/dev/null
fi

echo
echo "== summary"
total_pass=0; total_fail=0
for name in node deno bun node-embedded deno-embedded bun-embedded; do
  p=${passed[$name]:-0}; f=${failed[$name]:-0}
  [ -n "$p" ] || p=0; [ -n "$f" ] || f=0
  echo "$name: $p passed, $f failed"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
[ $status -eq 0 ] || [ $total_fail -gt 0 ] || total_fail=1
echo "all runtimes: $total_pass passed, $total_fail failed"
exit $status
