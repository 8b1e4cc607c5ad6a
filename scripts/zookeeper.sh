#!/usr/bin/env bash
# Starts and stops standalone ZooKeeper servers for tests, demos and benchmarks.
#
#   scripts/zookeeper.sh install          install Debian's zookeeper package if its jar is missing
#   scripts/zookeeper.sh start DIR [PORT] start a server with its data in DIR on 127.0.0.1:PORT
#                                         (a free port is chosen when PORT is omitted); prints the
#                                         port and writes DIR/pid and DIR/port; waits for ruok→imok
#   scripts/zookeeper.sh stop DIR         stop the server started in DIR (by the PID it recorded)
#
# Only loopback addresses are used; only the PID this script recorded is ever signalled.
set -euo pipefail

ZK_JAR=/usr/share/java/zookeeper.jar

install_zookeeper() {
  if [ -f "$ZK_JAR" ]; then return 0; fi
  command -v apt-get >/dev/null || { echo "zookeeper.sh: $ZK_JAR missing and no apt-get" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "zookeeper.sh: run as root to install the zookeeper package" >&2; exit 1; }
  echo "zookeeper.sh: installing Debian's zookeeper package" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper >/dev/null
  [ -f "$ZK_JAR" ] || { echo "zookeeper.sh: install did not provide $ZK_JAR" >&2; exit 1; }
}

free_port() {
  # Ask the kernel for a free loopback port.
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

four_letter() { # PORT WORD → server answer (empty when not reachable)
  node -e '
    const [port, word] = process.argv.slice(1);
    const s = require("net").connect(Number(port), "127.0.0.1");
    let out = "";
    s.setTimeout(1000, () => s.destroy());
    s.on("connect", () => s.end(word));
    s.on("data", (d) => (out += d));
    s.on("close", () => process.stdout.write(out));
    s.on("error", () => {});
  ' "$1" "$2"
}

start_server() {
  local dir=$1 port=${2:-}
  install_zookeeper
  mkdir -p "$dir/data"
  [ -n "$port" ] || port=$(free_port)
  local admin_port
  admin_port=$(free_port)
  cat > "$dir/zoo.cfg" <<CFG
tickTime=${ZK_TICK_TIME:-2000}
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=false
admin.serverPort=$admin_port
extendedTypesEnabled=true
minSessionTimeout=${ZK_MIN_SESSION_TIMEOUT:-1000}
maxSessionTimeout=${ZK_MAX_SESSION_TIMEOUT:-60000}
CFG
  cat > "$dir/log4j.properties" <<'LOG'
log4j.rootLogger=WARN, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=${zk.log.file}
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d %p [%t] %c{1}: %m%n
LOG
  # extendedTypesEnabled lets tests create TTL nodes; the server reads it as a system property.
  nohup java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dzookeeper.extendedTypesEnabled=true -Dzookeeper.4lw.commands.whitelist='*' \
    -Dlog4j.configuration="file:$dir/log4j.properties" -Dzk.log.file="$dir/server.log" \
    -Dzookeeper.admin.enableServer=false \
    -cp "$dir:$ZK_JAR" org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" \
    > "$dir/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/pid"
  echo "$port" > "$dir/port"
  local i
  for i in $(seq 1 300); do
    if [ "$(four_letter "$port" ruok)" = "imok" ]; then echo "$port"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "zookeeper.sh: server exited; log follows" >&2; cat "$dir/stdout.log" "$dir/server.log" >&2 2>/dev/null || true; exit 1
    fi
    sleep 0.1
  done
  echo "zookeeper.sh: server on port $port did not answer ruok within 30 s" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop_server() {
  local dir=$1
  [ -f "$dir/pid" ] || return 0
  local pid
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

case "${1:-}" in
  install) install_zookeeper ;;
  start) start_server "${2:?data dir}" "${3:-}" ;;
  stop) stop_server "${2:?data dir}" ;;
  ruok) four_letter "${2:?port}" ruok; echo ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
