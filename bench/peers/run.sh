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
out=${OUT:-$(mktemp -d)}
port=3994
# shellcheck source=bench/peers/servers.sh
. bench/peers/servers.sh
cc -O2 -pthread -o "$out/floor" bench/floor/floor.c

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
