#!/usr/bin/env bash
# Persisted HTTP message-send throughput and latency: N concurrent connections (one user) post
# into one channel for D seconds, measured with wrk (Debian package `wrk`), on SQLite or PostgreSQL.
#
#   bench/http-send.sh sqlite            # or: postgres (needs BENCH_DATABASE_URL or a local server)
#   CONNECTIONS=16 DURATION=20 bench/http-send.sh sqlite
#
# It builds nothing: run `cargo build --release` first. The server and wrk share this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
connections=${CONNECTIONS:-16}
duration=${DURATION:-20}
port=${PORT:-3990}
bin=${BIN:-target/release/ocomms}  # BIN=… measures another build, e.g. the last commit's
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }

data=$(mktemp -d)
# Every poster signs up from 127.0.0.1: lift the per-IP sign-up limit for the run.
args=(serve --listen "127.0.0.1:$port" --data-dir "$data" --log warn --signups-per-ip-per-hour 0)
if [ "$backend" = postgres ]; then
  admin_url=${BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
  db="ocomms_bench_$$"
  psql "$admin_url" -qc "CREATE DATABASE $db"
  args+=(--database-url "${admin_url%/*}/$db")
fi
"$bin" "${args[@]}" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  rm -rf "$data"
  [ "$backend" = postgres ] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
token=$(curl -sf "$base/api/v1/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' | json '["token"]')
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
wid=$(curl -sf "$base/api/v1/workspaces" "${auth[@]}" -d '{"name":"Bench"}' | json '["workspace"]["id"]')
cid=$(curl -sf "$base/api/v1/workspaces/$wid/channels" "${auth[@]}" -d '{"name":"load","kind":"public"}' | json '["channel"]["id"]')

echo "backend=$backend connections=$connections duration_s=$duration ($(nproc) cores, server and wrk on one machine)"
TOKEN=$token MESSAGES_PATH="/api/v1/channels/$cid/messages" \
  wrk -t2 -c"$connections" -d"${duration}s" -s bench/send.lua "$base" | tail -n 2
# Everything acknowledged is in the log: the channel's last seq is 1 (the join) + messages sent.
curl -sf "$base/api/v1/channels/$cid" "${auth[@]}" | json '["channel"]["last_seq"]' | sed 's/^/persisted_last_seq=/'
echo "server_cpu_s=$(awk '{printf "%.1f", ($14+$15)/100}' /proc/$server/stat) wrk_run_s=$duration"
echo "server_rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$server/status) (peak)"
