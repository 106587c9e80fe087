#!/usr/bin/env bash
# OComms, ejabberd and the raw-socket floor side by side, from one run on this machine: one room
# (channel) with N receivers and one sender at a steady rate, driven by the same load tool code
# (`ocomms-bench fanout`, and `fanout --peer xmpp` for ejabberd's multi-user chat over WebSocket),
# then bench/floor (one thread writing a 200-byte frame to each of N loopback sockets, one epoll
# thread reading). Prints one table; the JSON of every run stays in $OUT.
#
#   cargo build --release && bench/peers/run.sh
#   SIZES="50 500 5000" RATE=10 DURATION=20 bench/peers/run.sh
#   BIG=9000 bench/peers/run.sh   # also 1 msg/s to 9,000 sockets (ejabberd takes minutes to join them)
#
# ejabberd 23.01 comes from Debian (installed on first use, see bench/peers/ejabberd.sh), with
# bench/peers/ejabberd.yml: loopback only, no TLS, anonymous login, in-memory rooms, no shapers.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=${SIZES:-50 500}
rate=${RATE:-10}
duration=${DURATION:-20}
big=${BIG:-0}
bin=target/release/ocomms
bench=target/release/ocomms-bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "build first: cargo build --release" >&2; exit 1; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
cc -O2 -pthread -o "$out/floor" bench/floor/floor.c

ocomms_pid=
cleanup() {
  [ -n "$ocomms_pid" ] && kill "$ocomms_pid" 2>/dev/null || true
  bench/peers/ejabberd.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$out/data" && mkdir -p "$out/data"
# Thousands of users sign up from 127.0.0.1: lift the per-IP sign-up limit for the run.
"$bin" serve --listen 127.0.0.1:3994 --data-dir "$out/data" --log warn --signups-per-ip-per-hour 0 \
  >"$out/ocomms.log" 2>&1 &
ocomms_pid=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:3994/readyz >/dev/null && break; sleep 0.1; done
ejabberd_pid=$(bench/peers/ejabberd.sh start)
echo "machine: $(nproc) cores; ocomms pid $ocomms_pid, ejabberd pid $ejabberd_pid; results in $out" >&2

run() { # sockets rate
  local n=$1 r=$2
  echo "== $n receivers, $r msg/s" >&2
  "$bench" --url http://127.0.0.1:3994 --duration "$duration" --sockets-per-user 16 \
    --server-pid "$ocomms_pid" --json "$out/ocomms-$n-$r.json" fanout --sockets "$n" --rate "$r" >&2
  "$bench" --duration "$duration" --server-pid "$ejabberd_pid" --json "$out/ejabberd-$n-$r.json" \
    fanout --peer xmpp --sockets "$n" --rate "$r" >&2
  "$out/floor" "$n" "$r" "$duration" >"$out/floor-$n-$r.json"
}
runs=()
for n in $sizes; do run "$n" "$rate"; runs+=("$n-$rate"); done
if [ "$big" != 0 ]; then run "$big" 1; runs+=("$big-1"); fi

python3 bench/peers/table.py "$out" "${runs[@]}"
