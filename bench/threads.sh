#!/usr/bin/env bash
# CPU by thread of a running process over an interval: which threads did the work (are all the
# tokio workers busy during a large fan-out?).
#
#   bench/threads.sh PID [SECONDS]      # prints each thread's name, id and share of one core
set -euo pipefail
pid=$1
seconds=${2:-10}
hz=$(getconf CLK_TCK)
snapshot() {
  for t in /proc/"$pid"/task/*; do
    # Fields after the ")" that closes the thread's name: utime and stime are the 12th and 13th.
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' '_' <"$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done 2>/dev/null
}
before=$(snapshot)
sleep "$seconds"
after=$(snapshot)
join <(sort <<<"$before") <(sort <<<"$after") |
  awk -v s="$seconds" -v hz="$hz" '{ d = ($5 - $3) / hz / s; if (d > 0.005) printf "%-18s %-8s %5.1f %% of a core\n", $2, $1, 100 * d }' |
  sort -k3 -rn
