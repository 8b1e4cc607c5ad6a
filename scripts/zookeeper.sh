#!/usr/bin/env bash
# Starts and stops standalone ZooKeeper servers for tests, demos and benchmarks.
#
#   scripts/zookeeper.sh install          install Debian's zookeeper package if its jar is missing
#   scripts/zookeeper.sh start DIR [PORT] start a server with its data in DIR on 127.0.0.1:PORT
#                                         (a free port is chosen when PORT is omitted); prints the
#                                         port and writes DIR/pid and DIR/port; waits for ruok→imok
#   scripts/zookeeper.sh stop DIR         stop the server started in DIR (by the PID it recorded)
#   scripts/zookeeper.sh start-tls DIR [PORT]  like start, plus a TLS client port (Netty) with a
#                                         throwaway CA in DIR/tls: ca.pem is what clients trust,
#                                         client.pem/client.key a certificate the server accepts
#                                         as x509 identity CN=stormkeeper-client (client
#                                         certificates are optional); prints "PORT TLS-PORT"
#   scripts/zookeeper.sh start-sasl DIR [PORT] like start, requiring nothing more of clients but
#                                         offering SASL DIGEST-MD5: DIR/jaas.conf's Server section
#                                         holds the users of ZK_SASL_USERS ("name:password ...",
#                                         default "super:super-secret alice:alice-secret"; super is
#                                         the server's super user); ZK_SASL_REQUIRED=1 also sets
#                                         sessionRequireClientSASLAuth=true (clients without SASL
#                                         are refused); a restart in DIR keeps the users and port;
#                                         ZK_SASL=1 start-tls adds the same SASL setup to TLS
#   scripts/zookeeper.sh ensemble DIR [N] start an N-member ensemble (default 3) under DIR/1..N,
#                                         wait until it has a leader; prints the client ports
#   scripts/zookeeper.sh member-stop DIR I / member-start DIR I   stop or restart member I
#   scripts/zookeeper.sh ensemble-stop DIR                        stop every member
#   scripts/zookeeper.sh srvr|isro|wchp|wchc PORT                four-letter words
# ZK_EXTRA_CONFIG adds lines to every zoo.cfg written (e.g. localSessionsEnabled=true).
# ZK_JVM_FLAGS replaces the JVM flags (default: small heap and C1 only, for a fast start);
# ZK_JVM_PROPS adds to them (e.g. -Dzookeeper.superUser=super).
#
# Only loopback addresses are used; only the PID this script recorded is ever signalled.
set -euo pipefail

ZK_JAR=/usr/share/java/zookeeper.jar
# Debian's zookeeper.jar manifest leaves out netty-codec (Netty's TLS pipeline needs it) and any
# SLF4J binding (without one the server logs nothing); both come with the package's dependencies.
ZK_CLASSPATH=$ZK_JAR:/usr/share/java/netty-codec.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar

install_zookeeper() {
  if [ -f "$ZK_JAR" ]; then return 0; fi
  command -v apt-get >/dev/null || { echo "zookeeper.sh: $ZK_JAR missing and no apt-get" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "zookeeper.sh: run as root to install the zookeeper package" >&2; exit 1; }
  echo "zookeeper.sh: installing Debian's zookeeper package" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper >/dev/null
  [ -f "$ZK_JAR" ] || { echo "zookeeper.sh: install did not provide $ZK_JAR" >&2; exit 1; }
}

free_port() { free_ports 1; }

free_ports() { # N: N distinct free loopback ports, all held open until every one is known
  # (asked one at a time, the kernel may hand out a port it just handed out).
  node -e 'const n=+process.argv[1],ss=[];const done=()=>{console.log(ss.map((s)=>s.address().port).join(" "));for(const s of ss)s.close()};for(let i=0;i<n;i++){const s=require("net").createServer();ss.push(s);s.listen(0,"127.0.0.1",()=>{if(ss.every((x)=>x.listening))done()})}' "$1"
}

tls_material() { # DIR: a throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate
  local tls=$1/tls
  command -v openssl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=stormkeeper test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$tls/server.cnf"
  printf 'extendedKeyUsage=clientAuth\n' > "$tls/client.cnf"
  local who cn
  for who in server client; do
    cn=localhost; [ "$who" = client ] && cn=stormkeeper-client
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj "/CN=$cn" -keyout "$tls/$who.key" -out "$tls/$who.csr" 2>/dev/null
    openssl x509 -req -days 2 -in "$tls/$who.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
      -extfile "$tls/$who.cnf" -out "$tls/$who.pem" 2>/dev/null
  done
  # ZooKeeper reads a PEM key store as the private key followed by its certificate.
  cat "$tls/server.key" "$tls/server.pem" > "$tls/keystore.pem"
}

four_letter() { # PORT WORD → server answer (empty when not reachable); bash's /dev/tcp, no fork of node
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf %s "$1" >&3 && cat <&3' "$1" "$2" 2>/dev/null || true
}

write_config() { # DIR PORT [EXTRA LINES]
  local dir=$1 port=$2 extra=${3:-}
  mkdir -p "$dir/data"
  cat > "$dir/zoo.cfg" <<CFG
tickTime=${ZK_TICK_TIME:-2000}
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=false
extendedTypesEnabled=true
minSessionTimeout=${ZK_MIN_SESSION_TIMEOUT:-1000}
maxSessionTimeout=${ZK_MAX_SESSION_TIMEOUT:-60000}
$extra
$(cat "$dir/sasl.cfg" 2>/dev/null || true)
${ZK_EXTRA_CONFIG:-}
CFG
  echo "$port" > "$dir/port"
}

launch() { # DIR MAIN-CLASS: starts java in the background and records its PID
  local dir=$1 main=$2
  install_zookeeper
  cat > "$dir/log4j.properties" <<'LOG'
log4j.rootLogger=WARN, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=${zk.log.file}
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d %p [%t] %c{1}: %m%n
LOG
  # extendedTypesEnabled lets tests create TTL nodes; readonlymode lets a partitioned member
  # serve reads to clients that accept it. Both are read as system properties.
  local props=${ZK_JVM_PROPS:-}
  # A SASL server (sasl_setup) reads its users from the JAAS file; "super" is its super user.
  if [ -f "$dir/jaas.conf" ]; then props+=" -Djava.security.auth.login.config=$dir/jaas.conf -Dzookeeper.superUser=super"; fi
  # shellcheck disable=SC2086 # ZK_JVM_FLAGS is a list of flags
  nohup java ${ZK_JVM_FLAGS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} $props \
    -Dzookeeper.extendedTypesEnabled=true -Dzookeeper.4lw.commands.whitelist='*' -Dreadonlymode.enabled=true \
    -Dlog4j.configuration="file:$dir/log4j.properties" -Dzk.log.file="$dir/server.log" \
    -Dzookeeper.admin.enableServer=false \
    -cp "$dir:$ZK_CLASSPATH" "$main" "$dir/zoo.cfg" > "$dir/stdout.log" 2>&1 &
  echo "$!" > "$dir/pid"
}

wait_for() { # DIR WORD EXPECTED-REGEX SECONDS
  local dir=$1 word=$2 expected=$3 seconds=$4 pid port i
  pid=$(cat "$dir/pid"); port=$(cat "$dir/port")
  for i in $(seq 1 $((seconds * 10))); do
    if four_letter "$port" "$word" | grep -qE "$expected"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "zookeeper.sh: server in $dir exited; log follows" >&2; cat "$dir/stdout.log" "$dir/server.log" >&2 2>/dev/null || true; return 1
    fi
    sleep 0.1
  done
  echo "zookeeper.sh: server on port $port did not answer $word with $expected within $seconds s" >&2
  return 1
}

start_server() {
  local dir=$1 port=${2:-}
  install_zookeeper
  [ -n "$port" ] || port=$(free_port)
  write_config "$dir" "$port"
  launch "$dir" org.apache.zookeeper.server.ZooKeeperServerMain
  if ! wait_for "$dir" ruok '^imok$' 30; then stop_server "$dir"; exit 1; fi
  echo "$port"
}

start_tls_server() { # a restart (DIR already used) keeps the certificates and both ports
  local dir=$1 port=${2:-} secure
  install_zookeeper
  [ -n "$port" ] || port=$(free_port)
  if [ -f "$dir/tls-port" ]; then secure=$(cat "$dir/tls-port"); else secure=$(free_port); fi
  [ -f "$dir/tls/keystore.pem" ] || tls_material "$dir"
  write_config "$dir" "$port" "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
secureClientPort=$secure
secureClientPortAddress=127.0.0.1
ssl.keyStore.location=$dir/tls/keystore.pem
ssl.keyStore.type=PEM
ssl.trustStore.location=$dir/tls/ca.pem
ssl.trustStore.type=PEM
ssl.clientAuth=want"
  echo "$secure" > "$dir/tls-port"
  launch "$dir" org.apache.zookeeper.server.ZooKeeperServerMain
  if ! wait_for "$dir" ruok '^imok$' 30; then stop_server "$dir"; exit 1; fi
  echo "$port $secure"
}

sasl_setup() { # DIR: the JAAS file and zoo.cfg lines of a SASL server, once (a restart keeps them)
  local dir=$1 user
  mkdir -p "$dir"
  [ -f "$dir/jaas.conf" ] && return 0
  # The server's DigestLoginModule takes each user as an option user_<name>="<password>".
  {
    echo 'Server {'
    echo '  org.apache.zookeeper.server.auth.DigestLoginModule required'
    for user in ${ZK_SASL_USERS:-super:super-secret alice:alice-secret}; do
      printf '  user_%s="%s"\n' "${user%%:*}" "${user#*:}"
    done
    echo '  ;};' # the module entry ends at the first ";" (after its last option)
  } > "$dir/jaas.conf"
  echo "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider" > "$dir/sasl.cfg"
  if [ "${ZK_SASL_REQUIRED:-0}" = 1 ]; then echo "sessionRequireClientSASLAuth=true" >> "$dir/sasl.cfg"; fi
}

start_ensemble() {
  local dir=$1 n=${2:-3} i servers="" ports=() all
  install_zookeeper
  read -r -a all <<<"$(free_ports $((n * 3)))"
  for i in $(seq 1 "$n"); do
    ports+=("${all[*]:$(((i - 1) * 3)):3}")
  done
  # Each member line names its client address too, so /zookeeper/config (getConfig) lists where
  # clients connect, as a dynamic configuration does.
  for i in $(seq 1 "$n"); do
    read -r client quorum election <<<"${ports[$((i - 1))]}"
    servers+="server.$i=127.0.0.1:$quorum:$election:participant;127.0.0.1:$client"$'\n'
  done
  for i in $(seq 1 "$n"); do
    read -r client _ _ <<<"${ports[$((i - 1))]}"
    write_config "$dir/$i" "$client" "$servers"
    echo "$i" > "$dir/$i/data/myid"
    launch "$dir/$i" org.apache.zookeeper.server.quorum.QuorumPeerMain
  done
  wait_for_leader "$dir" "$n" 60 || { stop_ensemble "$dir"; exit 1; }
  for i in $(seq 1 "$n"); do cat "$dir/$i/port"; done | paste -sd' '
}

wait_for_leader() { # DIR N SECONDS: until every running member serves and one leads
  local dir=$1 n=$2 seconds=$3 i t modes
  for t in $(seq 1 $((seconds * 10))); do
    modes=""
    for i in $(seq 1 "$n"); do
      [ -f "$dir/$i/pid" ] || continue
      modes+=$(four_letter "$(cat "$dir/$i/port")" srvr | sed -n 's/^Mode: //p')" "
    done
    # Every running member must answer with a mode, and one of them must lead.
    if echo "$modes" | grep -q leader && [ "$(echo "$modes" | wc -w)" -eq "$(ls "$dir"/*/pid 2>/dev/null | wc -l)" ]; then return 0; fi
    sleep 0.1
  done
  echo "zookeeper.sh: no leader in $dir within $seconds s (modes: $modes)" >&2
  return 1
}

stop_ensemble() {
  local dir=$1 m
  for m in "$dir"/*/; do stop_server "${m%/}"; done
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
  start-tls) if [ "${ZK_SASL:-0}" = 1 ]; then sasl_setup "${2:?data dir}"; fi
    start_tls_server "${2:?data dir}" "${3:-}" ;;
  start-sasl) sasl_setup "${2:?data dir}"; start_server "$2" "${3:-}" ;;
  stop) stop_server "${2:?data dir}" ;;
  ensemble) start_ensemble "${2:?data dir}" "${3:-3}" ;;
  member-stop) stop_server "${2:?data dir}/${3:?member}" ;;
  member-start) launch "${2:?data dir}/${3:?member}" org.apache.zookeeper.server.quorum.QuorumPeerMain
    wait_for "$2/$3" ruok '^imok$' 30 ;;
  ensemble-stop) stop_ensemble "${2:?data dir}" ;;
  ruok | srvr | isro | wchp | wchc) four_letter "${2:?port}" "$1"; echo ;;
  *) sed -n '2,25p' "$0" >&2; exit 2 ;;
esac
