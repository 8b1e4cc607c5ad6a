#!/usr/bin/env bash
# The main job: make sure a ZooKeeper answers at ZK_CONNECT (default 127.0.0.1:2181) — starting
# the embedded server (stormkeeper server; Node alone, no Java) there if none does — and run the
# examples against it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund
export ZK_CONNECT=${ZK_CONNECT:-127.0.0.1:2181}
host=${ZK_CONNECT%%,*}; host=${host%%/*}
port=${host##*:}

if [ "$(bash scripts/zookeeper.sh ruok "$port")" != "imok" ]; then
  echo "== no ZooKeeper at $ZK_CONNECT: starting the embedded server"
  log=$(mktemp)
  node --import tsx src/cli/main.ts server --port "$port" --extended-types >"$log" 2>&1 &
  embedded=$!
  trap 'kill "$embedded" 2>/dev/null; rm -f "$log"' EXIT
  for _ in $(seq 100); do grep -q 'listening on' "$log" && break; sleep 0.1; done
  grep -q 'listening on' "$log" || { cat "$log"; exit 1; }
fi

for example in examples/*.ts; do
  echo "== $example"
  node --import tsx "$example"
done

echo "== stormkeeper demo (the operators' CLI)"
node --import tsx src/cli/main.ts demo
