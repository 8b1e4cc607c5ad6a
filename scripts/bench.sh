#!/usr/bin/env bash
# The benchmark: starts its own ZooKeeper (unless ZK_CONNECT is set) and prints a table of
# stormkeeper vs node-zookeeper-client. BENCH_ROUNDS sets the rounds per row (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund
bash scripts/zookeeper.sh install
node --import tsx bench/run.ts
