#!/usr/bin/env bash
# The send path at idle, two ways, on SQLite (or PostgreSQL with BENCH_DATABASE_URL … postgres):
#  1. latency: one client posts COUNT messages one after another over a kept-alive connection
#     (a plain sentence with a link, like bench/send.lua) and, for comparison, as many GET /me;
#     client-side p50/p99 are printed.
#  2. instructions (CALLGRIND=1): the same sends under `valgrind --tool=callgrind`, counted from
#     after the setup to after the last send, divided by COUNT — repeatable on a shared machine
#     where times are not.
#
#   cargo build --release && bench/send-path.sh [sqlite|postgres]
#   CALLGRIND=1 COUNT=300 bench/send-path.sh
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
count=${COUNT:-2000}
port=${PORT:-3989}
bin=${BIN:-target/release/ocomms}  # BIN=… measures another build, e.g. the last commit's
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
data=$(mktemp -d)
args=(serve --listen "127.0.0.1:$port" --data-dir "$data" --log warn --signups-per-ip-per-hour 0)
if [ "$backend" = postgres ]; then
  admin_url=${BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
  db="ocomms_bench_$$"
  psql "$admin_url" -qc "CREATE DATABASE $db"
  args+=(--database-url "${admin_url%/*}/$db")
fi
runner=()
if [ -n "${CALLGRIND:-}" ]; then
  command -v valgrind >/dev/null || { echo "install valgrind: apt-get install valgrind" >&2; exit 1; }
  runner=(valgrind --tool=callgrind --callgrind-out-file="$data/callgrind.out" --instr-atstart=no)
fi
"${runner[@]}" "$bin" "${args[@]}" 2>"$data/server.log" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  rm -rf "$data"
  [ "$backend" = postgres ] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

PORT=$port COUNT=$count CALLGRIND=${CALLGRIND:-} SERVER=$server python3 - <<'PY'
import http.client, json, os, statistics, subprocess, time
port, count = int(os.environ["PORT"]), int(os.environ["COUNT"])
conn = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token: headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse(); data = r.read()
    if r.status >= 300: raise SystemExit(f"{method} {path}: {r.status} {data[:200]}")
    return json.loads(data) if data else None
token = call("POST", "/api/v1/auth/signup", {"email": "p@example.com", "password": "benchmark password", "name": "P"})["token"]
wid = call("POST", "/api/v1/workspaces", {"name": "Bench"}, token)["workspace"]["id"]
cid = call("POST", f"/api/v1/workspaces/{wid}/channels", {"name": "path", "kind": "public"}, token)["channel"]["id"]
for i in range(50):  # warm caches and prepared statements
    call("POST", f"/api/v1/channels/{cid}/messages", {"content": f"warm {i}"}, token)
    call("GET", "/api/v1/me", None, token)
before = server_side()  # before counting starts: rendering /metrics is no part of a send
if os.environ.get("CALLGRIND"):
    subprocess.run(["callgrind_control", "-i", "on", os.environ["SERVER"]], check=True, capture_output=True)
def server_side():
    """(sends answered within 0.5 ms, within 1 ms, all) by the server's own request histogram."""
    conn.request("GET", "/metrics"); text = conn.getresponse().read().decode()
    counts = {}
    for line in text.splitlines():
        if 'method="POST"' in line and 'route="/api/v1/channels/{cid}/messages"' in line:
            for key in ('le="0.0005"', 'le="0.001"'):
                if "_bucket" in line and key in line: counts[key] = int(float(line.split()[-1]))
            if "_count" in line: counts["all"] = int(float(line.split()[-1]))
    return counts.get('le="0.0005"', 0), counts.get('le="0.001"', 0), counts.get("all", 0)
def timed(fn):
    out = []
    for i in range(count):
        t = time.perf_counter(); fn(i); out.append((time.perf_counter() - t) * 1000)
    out.sort(); return out
send = timed(lambda i: call("POST", f"/api/v1/channels/{cid}/messages",
                            {"content": f"message {i}: the deploy is done, see https://example.com/runs/{i}"}, token))
if os.environ.get("CALLGRIND"):
    r = subprocess.run(["callgrind_control", "-d", os.environ["SERVER"]], capture_output=True, text=True)
    subprocess.run(["callgrind_control", "-i", "off", os.environ["SERVER"]], capture_output=True)
after = server_side()
within = [a - b for a, b in zip(after, before)]
me = timed(lambda i: call("GET", "/api/v1/me", None, token))
q = lambda s, p: s[min(len(s) - 1, int(len(s) * p))]
print(f"POST /messages  p50 {q(send, .5):.3f} ms  p99 {q(send, .99):.3f} ms  ({count} one after another)")
print(f"POST /messages  inside the server (its request histogram): {100 * within[0] / max(within[2], 1):.1f} % within 0.5 ms, {100 * within[1] / max(within[2], 1):.1f} % within 1 ms")
print(f"GET /me         p50 {q(me, .5):.3f} ms  p99 {q(me, .99):.3f} ms")
PY
if [ -n "${CALLGRIND:-}" ]; then
  sleep 1
  total=$(for f in "$data"/callgrind.out*; do callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}'; done | awk '{s+=$1} END {print s}')
  echo "instructions per send: $((total / count)) (all server threads, $count sends)"
fi
