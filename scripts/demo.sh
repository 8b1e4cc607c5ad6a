#!/usr/bin/env bash
# The main job: make sure a ZooKeeper answers at ZK_CONNECT (default 127.0.0.1:2181) — starting
# one from scripts/zookeeper.sh if none does — and run the examples against it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund
export ZK_CONNECT=${ZK_CONNECT:-127.0.0.1:2181}
host=${ZK_CONNECT%%,*}; host=${host%%/*}
port=${host##*:}

started=""
if [ "$(bash scripts/zookeeper.sh ruok "$port")" != "imok" ]; then
  started=$(mktemp -d "${TMPDIR:-/tmp}/stormkeeper-demo-zk.XXXXXX")
  trap 'bash scripts/zookeeper.sh stop "$started"; rm -rf "$started"' EXIT
  echo "== no ZooKeeper at $ZK_CONNECT: starting one"
  bash scripts/zookeeper.sh start "$started" "$port" >/dev/null
fi

for example in examples/*.ts; do
  echo "== $example"
  node --import tsx "$example"
done

echo "== stormkeeper demo (the operators' CLI)"
node --import tsx src/cli/main.ts demo
