"""Prints the side-by-side table of bench/peers/run.sh from the JSON files of one run:
    python3 bench/peers/table.py OUT_DIR 50-10 500-10 …   (receivers-rate of each run)"""
import json, sys
out, runs = sys.argv[1], sys.argv[2:]
print("| receivers, rate | server | connected | delivery p50 | p95 | p99 | max | first post p99 | CPU µs / delivery | × floor CPU | p99 × floor | lost / dup / reordered |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for run in runs:
    n, r = run.split("-")
    floor = json.load(open(f"{out}/floor-{run}.json"))
    fcpu, fp99 = floor["sender_cpu_us_per_delivery"], floor["delivery"]["p99_ms"]
    for name in ("ocomms", "ejabberd", "floor"):
        j = floor if name == "floor" else json.load(open(f"{out}/{name}-{run}.json"))
        d = j["delivery"]
        cpu = j.get("server_cpu_us_per_delivery", j.get("sender_cpu_us_per_delivery"))
        bad = f'{j["lost"]} / {j.get("duplicated", 0)} / {j["out_of_order"]}'
        # The first broadcast after the sockets opened ("–" for the floor and for older JSON).
        first = j.get("first_delivery")
        first = f"{first['p99_ms']:.2f} ms" if first and first.get("count", 1) else "–"
        print(f"| {int(n):,}, {r}/s | {name} | {j['sockets']:,} | {d['p50_ms']:.2f} ms | {d['p95_ms']:.2f} ms | {d['p99_ms']:.2f} ms "
              f"| {d['max_ms']:.1f} ms | {first} | {cpu:.1f} | {cpu / fcpu:.2f} | {d['p99_ms'] / fp99:.2f} | {bad} |")
