#!/usr/bin/env bash
# Runs every ocomms-bench scenario against a release build, on one node with SQLite and on two
# nodes with PostgreSQL + Redis, and writes the figures with the machine, versions and commands
# to docs/benchmarks-run.md (the analysis lives in docs/benchmarks.md).
#
#   cargo build --release && bench/run.sh                 # the issue's sizes (about 35 minutes)
#   SIZES=small bench/run.sh                              # a quick pass at small sizes
#   BENCH_DATABASE_URL=postgres://… OUT_DOC=/tmp/x.md bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
pg=${BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
doc=${OUT_DOC:-docs/benchmarks-run.md}
bin=target/release/ocomms
bench=target/release/ocomms-bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "build first: cargo build --release" >&2; exit 1; }

# Sizes: the issue's, or small ones to check the script itself.
if [ "${SIZES:-full}" = small ]; then
  D=5 TEAM_D=10 SEND=4 FAN_SMALL=50 FAN_BIG=200 TEAM_USERS=40 TEAM_CHANNELS=5 IDLE=300
else
  D=20 TEAM_D=600 SEND=16 FAN_SMALL=1000 FAN_BIG=10000 TEAM_USERS=2000 TEAM_CHANNELS=100
  # Each process may hold only so many sockets: the server and the tool both need the files.
  IDLE=$(( $(ulimit -Hn) - 1000 )); [ "$IDLE" -gt 20000 ] && IDLE=20000
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap cleanup EXIT

node() { # port, args…
  local port=$1; shift
  # Thousands of users sign up from 127.0.0.1: lift the per-IP sign-up limit for the run.
  "$bin" serve --listen "127.0.0.1:$port" --log warn --signups-per-ip-per-hour 0 "$@" >"$out/node-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.1; done
  echo "node on $port did not start" >&2; exit 1
}

run() { # mode, name, duration, scenario args…
  local mode=$1 name=$2 duration=$3; shift 3
  cleanup
  local urls=() server_pids=()
  if [ "$mode" = sqlite ]; then
    rm -rf "$out/data"; mkdir -p "$out/data"
    node 3981 --data-dir "$out/data"
    urls=(--url http://127.0.0.1:3981); server_pids=(--server-pid "${pids[0]}")
  else
    redis-server --port 6381 --bind 127.0.0.1 --save "" --appendonly no >/dev/null & pids+=($!)
    local db="ocomms_run_$$_${name//-/_}"
    psql "$pg" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db"
    node 3982 --database-url "${pg%/*}/$db" --redis-url redis://127.0.0.1:6381
    node 3983 --database-url "${pg%/*}/$db" --redis-url redis://127.0.0.1:6381
    urls=(--url http://127.0.0.1:3982 --url http://127.0.0.1:3983)
    server_pids=(--server-pid "${pids[1]}" --server-pid "${pids[2]}")
  fi
  echo "== $mode $name"
  "$bench" "${urls[@]}" --duration "$duration" --sockets-per-user 16 "${server_pids[@]}" \
    --json "$out/$mode-$name.json" "$@" | tail -n 6
  cleanup
  [ "$mode" = sqlite ] || psql "$pg" -qc "DROP DATABASE IF EXISTS ocomms_run_$$_${name//-/_} WITH (FORCE)"
}

echo "results in $out"
if [ -z "${RENDER_ONLY:-}" ]; then # RENDER_ONLY=1 OUT=dir: rewrite the document from earlier results
  for mode in sqlite cluster; do
    run "$mode" send "$D" send --clients "$SEND"
    run "$mode" fanout-small "$D" fanout --sockets "$FAN_SMALL" --rate 10
    run "$mode" fanout-big "$D" fanout --sockets "$FAN_BIG" --rate 10
    run "$mode" team "$TEAM_D" team --users "$TEAM_USERS" --channels "$TEAM_CHANNELS" --post-interval 30
    run "$mode" idle "$D" idle --sockets "$IDLE"
  done
fi

python3 - "$out" "$doc" <<'PY'
import json, os, platform, subprocess, sys, datetime
out, doc = sys.argv[1], sys.argv[2]
def sh(cmd):
    try: return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return "?"
def load(name):
    path = os.path.join(out, name + ".json")
    return json.load(open(path)) if os.path.exists(path) else None
def ms(s): return f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} / {s['p99_ms']:.1f} / {s['max_ms']:.1f}"
cpu = sh("lscpu | grep 'Model name' | cut -d: -f2").strip()
memory = round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)
versions = "; ".join([sh("rustc --version"), sh("psql --version"), sh("redis-server --version | cut -d' ' -f1-3")])
lines = ["# Benchmark run", "", f"Written by `bench/run.sh` on {datetime.date.today()}.", "",
         f"Machine: {os.cpu_count()} cores ({cpu}), {memory} GiB, Linux {platform.release()}; {versions}.", "",
         "Modes: **sqlite** is one node on its embedded database; **cluster** is two nodes on one PostgreSQL and one Redis, "
         "users and sockets spread over both. Latencies are p50 / p95 / p99 / max in ms; the load tool shares the machine.", ""]
lines += ["| mode | send msg/s | send latency | fan-out small: delivery (lost) | fan-out big: delivery (lost) | team: send | team: delivery (lost) | idle: sockets, KiB per socket |",
          "|---|---|---|---|---|---|---|---|"]
for mode in ("sqlite", "cluster"):
    send, fs, fb, team, idle = (load(f"{mode}-{n}") for n in ("send", "fanout-small", "fanout-big", "team", "idle"))
    cell = lambda r, f: f(r) if r else "not run"
    lines.append("| " + " | ".join([mode,
        cell(send, lambda r: f"{r['messages_per_s']:.0f}"), cell(send, lambda r: ms(r['send'])),
        cell(fs, lambda r: f"{r['sockets']}: {ms(r['delivery'])} ({r['lost']})"),
        cell(fb, lambda r: f"{r['sockets']}: {ms(r['delivery'])} ({r['lost']})"),
        cell(team, lambda r: ms(r['send'])),
        cell(team, lambda r: f"{ms(r['delivery'])} ({r['lost']})"),
        cell(idle, lambda r: f"{r['sockets']}, {', '.join(f'{x:.1f}' for x in r['rss_per_socket_kib'])}")]) + " |")
lines += ["", "Commands: see `bench/run.sh`; every scenario is `ocomms-bench <scenario> --help`.", ""]
open(doc, "w").write("\n".join(lines))
print(f"wrote {doc}")
PY
