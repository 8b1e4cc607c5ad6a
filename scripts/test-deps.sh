#!/usr/bin/env bash
# Installs the Debian packages the test suite runs against, once, when any is missing:
# ZooKeeper 3.8 (the server under test and the Java client's jar), Apache Curator 5.4 (recipe
# interop), kazoo (a Python client nobody here wrote) and tmux (the CLI's terminal tests).
# Java 17 and javac come with the machine. Packages given as arguments are installed instead of
# those (the benchmark's Java Thrift anchor). Idempotent: a no-op when everything is there.
set -euo pipefail

packages=(zookeeper libcurator-recipes-java libcurator-framework-java python3-kazoo tmux)
[ $# -eq 0 ] || packages=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "test-deps.sh: missing ${missing[*]} and no apt-get" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-deps.sh: run as root to install ${missing[*]}" >&2; exit 1; }
echo "test-deps.sh: installing ${missing[*]}" >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
