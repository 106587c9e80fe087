#!/usr/bin/env bash
# Real-time figures: fan-out latency (1,000 and 10,000 sockets in one channel, 10 msg/s) and server
# memory per idle socket, on one node with SQLite and on two nodes with PostgreSQL + Redis.
# Server(s) and ocomms-bench share this machine.
#
#   cargo build --release && bench/realtime.sh            # DURATION=20 by default
#   BENCH_DATABASE_URL=postgres://… bench/realtime.sh     # PostgreSQL server for the two-node runs
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20}
pg=${BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
bin=target/release/ocomms
bench=target/release/ocomms-bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "build first: cargo build --release" >&2; exit 1; }
out=${OUT:-$(mktemp -d)}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start_node() { # port, extra args…
  local port=$1; shift
  # Thousands of users sign up from 127.0.0.1: lift the per-IP sign-up limit for the run.
  "$bin" serve --listen "127.0.0.1:$port" --log warn --signups-per-ip-per-hour 0 "$@" >"$out/node-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.1; done
  echo "node on $port did not start" >&2; exit 1
}

single() { # label, scenario args…
  local label=$1; shift
  cleanup; pids=()
  rm -rf "$out/data"; mkdir -p "$out/data"
  start_node 3991 --data-dir "$out/data"
  echo "== $label (one node, SQLite)"
  "$bench" --url http://127.0.0.1:3991 --duration "$duration" --sockets-per-user 16 \
    --server-pid "${pids[0]}" --json "$out/$label-sqlite.json" "$@" | tail -n 5
}

cluster() { # label, scenario args…
  local label=$1; shift
  cleanup; pids=()
  redis-server --port 6391 --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  pids+=($!)
  local db="ocomms_bench_$$_${label//-/_}"
  psql "$pg" -qc "CREATE DATABASE $db"
  start_node 3992 --database-url "${pg%/*}/$db" --redis-url redis://127.0.0.1:6391
  start_node 3993 --database-url "${pg%/*}/$db" --redis-url redis://127.0.0.1:6391
  echo "== $label (two nodes, PostgreSQL + Redis)"
  "$bench" --url http://127.0.0.1:3992 --url http://127.0.0.1:3993 --duration "$duration" \
    --sockets-per-user 16 --server-pid "${pids[1]}" --server-pid "${pids[2]}" \
    --json "$out/$label-cluster.json" "$@" | tail -n 5
  cleanup; pids=()
  psql "$pg" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; results in $out"
for part in ${PARTS:-single cluster}; do
  "$part" fanout-1k fanout --sockets 1000 --rate 10
  "$part" fanout-10k fanout --sockets 10000 --rate 10
  "$part" idle-10k idle --sockets 10000
done
