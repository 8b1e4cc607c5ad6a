#!/usr/bin/env bash
# The benchmark: starts its own ZooKeeper (unless ZK_CONNECT is set) and prints a table of
# stormkeeper vs node-zookeeper-client. BENCH_ROUNDS sets the rounds per row (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund
bash scripts/zookeeper.sh install
# Storm's own path, the Storm section's anchor: Java Thrift's TSerializer on the fixture IDL.
# Without these packages the benchmark still runs and says why the anchor's columns are empty.
bash scripts/test-deps.sh thrift-compiler libthrift-java libslf4j-java ||
  echo "bench.sh: the Java anchor's packages are missing; its columns will be empty" >&2
# The tests' servers trade JIT quality for start-up time; the benchmark's server runs as in
# production (the JVM's default compilers and collector), so the server is not the bottleneck
# that hides the clients' differences.
export ZK_JVM_FLAGS=${ZK_JVM_FLAGS:--Xms512m -Xmx512m}
node --import tsx bench/run.ts
