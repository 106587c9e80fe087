#!/usr/bin/env bash
# Two nodes on one PostgreSQL and one Redis, and the Redis hop on its own: the same fan-out
# (N receivers in one channel, one poster) with
#   local      the poster and every receiver on node A (the bus delivers in the process),
#   via-redis  every receiver on node B, the poster on node A (every delivery crosses Redis),
#   split      receivers spread over A and B, the poster on A (half local, half through Redis),
# then one table. "CPU per delivery" is both nodes' CPU (and Redis's) over the deliveries.
#
#   cargo build --release && bench/nodes.sh
#   SIZES="500 9000" DURATION=20 BENCH_DATABASE_URL=postgres://… bench/nodes.sh
#
# N=500 runs at 10 msg/s, larger N at 1 msg/s (as bench/peers/run.sh). Everything shares this
# machine's two cores: the second node and Redis take CPU the single node would have.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-500 9000}
duration=${DURATION:-20}
pg=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
bin=target/release/ocomms
bench=target/release/ocomms-bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
pids=() db=
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$db" ] && psql "$pg" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT

start_node() { # port
  "$bin" serve --listen "127.0.0.1:$1" --log warn --signups-per-ip-per-hour 0 \
    --database-url "${pg%/*}/$db" --redis-url redis://127.0.0.1:6392 >"$out/node-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return; sleep 0.1; done
  echo "node on $1 did not start" >&2; exit 1
}

# A fresh database, Redis and pair of nodes for each run, so that no run inherits another's users.
run() { # label sockets rate bench-url-args…
  local label=$1 n=$2 r=$3; shift 3
  cleanup; pids=()
  db="ocomms_nodes_$$"
  psql "$pg" -qc "CREATE DATABASE $db"
  redis-server --port 6392 --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  pids+=($!)
  start_node 3996
  start_node 3997
  echo "== $label: $n receivers, $r msg/s" >&2
  "$bench" "$@" --duration "$duration" --sockets-per-user 16 \
    --server-pid "${pids[1]}" --server-pid "${pids[2]}" --server-pid "${pids[0]}" \
    --json "$out/$label-$n.json" fanout --sockets "$n" --rate "$r" "${post[@]}" >&2
  post=()
}

A=http://127.0.0.1:3996 B=http://127.0.0.1:3997
post=()
runs=()
for n in $sizes; do
  r=$([ "$n" -le 1000 ] && echo 10 || echo 1)
  run local "$n" "$r" --url $A
  post=(--post-url $A); run via-redis "$n" "$r" --url $B
  run split "$n" "$r" --url $A --url $B
  runs+=("$n")
done

python3 - "$out" "${runs[@]}" <<'EOF'
import json, sys
out, sizes = sys.argv[1], sys.argv[2:]
print("| receivers | path | delivery p50 | p95 | p99 | first post p99 | send p50 | CPU µs / delivery (nodes + Redis) | lost / dup / reordered |")
print("|---|---|---|---|---|---|---|---|---|")
for n in sizes:
    for label in ("local", "via-redis", "split"):
        j = json.load(open(f"{out}/{label}-{n}.json"))
        d, f, s = j["delivery"], j["first_delivery"], j["send"]
        print(f"| {int(n):,} | {label} | {d['p50_ms']:.2f} ms | {d['p95_ms']:.2f} ms | {d['p99_ms']:.2f} ms | "
              f"{f['p99_ms']:.2f} ms | {s['p50_ms']:.2f} ms | {j['server_cpu_us_per_delivery']:.1f} | "
              f"{j['lost']} / {j['duplicated']} / {j['out_of_order']} |")
EOF
