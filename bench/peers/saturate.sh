#!/usr/bin/env bash
# Saturation, OComms beside ejabberd in one run: for each socket count, the highest message rate
# one node sustains for DURATION seconds with delivery p99 under 250 ms, nothing lost and every
# post made on time. Rates double from a start until a step fails; the same load tool code drives
# both servers (`ocomms-bench fanout`, `fanout --peer xmpp`). Prints one table; the JSON of every
# step stays in $OUT.
#
#   cargo build --release && bench/peers/saturate.sh
#   SIZES="1000 5000" DURATION=60 bench/peers/saturate.sh     # the defaults
#
# Each step is a fresh room with its own sockets (OComms: a fresh channel and users on one server
# for the whole run). The load tool shares the two cores with the server, as in bench/peers/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=${SIZES:-1000 5000}
duration=${DURATION:-60}
out=${OUT:-$(mktemp -d)}
port=3993
# shellcheck source=bench/peers/servers.sh
. bench/peers/servers.sh

# A step passes when p99 < 250 ms, nothing acknowledged was lost, no post failed and at least
# 95 % of the posts the rate asks for were made (a poster that falls behind is saturation too).
passes() { # json rate
  python3 - "$1" "$2" "$duration" <<'EOF'
import json, sys
j, rate, duration = json.load(open(sys.argv[1])), float(sys.argv[2]), float(sys.argv[3])
ok = (j["delivery"]["p99_ms"] < 250 and j["lost"] == 0 and j["send"]["errors"] == 0
      and j["posted"] >= 0.95 * rate * duration)
sys.exit(0 if ok else 1)
EOF
}

step() { # server sockets rate → writes $out/<server>-<sockets>-<rate>.json
  local server=$1 n=$2 r=$3 json="$out/$1-$2-$3.json"
  echo "== $server: $n sockets, $r msg/s for ${duration}s" >&2
  if [ "$server" = ocomms ]; then
    "$bench" --url http://127.0.0.1:3993 --duration "$duration" --sockets-per-user 16 \
      --server-pid "$ocomms_pid" --json "$json" fanout --sockets "$n" --rate "$r" >&2 || true
  else
    "$bench" --duration "$duration" --server-pid "$ejabberd_pid" --json "$json" \
      fanout --peer xmpp --sockets "$n" --rate "$r" >&2 || true
  fi
  [ -f "$json" ]
}

rows=()
for n in $sizes; do
  # Start at 10,000 deliveries a second, then double.
  start=$(( 10000 / n > 1 ? 10000 / n : 1 ))
  for server in ocomms ejabberd; do
    best=0 r=$start
    while [ "$r" -le 10000 ]; do
      if step "$server" "$n" "$r" && passes "$out/$server-$n-$r.json" "$r"; then
        best=$r
        r=$((r * 2))
      else
        break
      fi
    done
    rows+=("$n $server $best $r")
  done
done

python3 - "$out" "$duration" "${rows[@]}" <<'EOF'
import json, sys
out, duration, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
print(f"| sockets | server | highest rate sustained {duration} s | deliveries/s | p99 there | CPU µs / delivery | first failing rate: p99, lost, posted |")
print("|---|---|---|---|---|---|---|")
for row in rows:
    n, server, best, failed = row.split()
    def load(rate):
        try:
            return json.load(open(f"{out}/{server}-{n}-{rate}.json"))
        except OSError:
            return None
    ok, bad = load(best), load(failed)
    at = (f"{int(best):,} msg/s | {int(best) * int(n):,} | {ok['delivery']['p99_ms']:.1f} ms | "
          f"{ok.get('server_cpu_us_per_delivery', 0):.1f}") if ok and best != "0" else "none | – | – | –"
    fail = (f"{int(failed):,} msg/s: {bad['delivery']['p99_ms']:.0f} ms, {bad['lost']}, {bad['posted']}"
            if bad else f"{int(failed):,} msg/s: no result")
    print(f"| {int(n):,} | {server} | {at} | {fail} |")
EOF
