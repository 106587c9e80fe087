# Sourced by bench/peers/run.sh and saturate.sh (not run on its own): starts OComms (release
# build, SQLite under $out/data, on $port) and ejabberd (bench/peers/ejabberd.sh), sets
# $bin, $bench, $ocomms_pid and $ejabberd_pid, and stops both when the calling script exits.
bin=target/release/ocomms
bench=target/release/ocomms-bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "build first: cargo build --release" >&2; exit 1; }
mkdir -p "$out"
ocomms_pid=
cleanup() {
  [ -n "$ocomms_pid" ] && kill "$ocomms_pid" 2>/dev/null || true
  bench/peers/ejabberd.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$out/data" && mkdir -p "$out/data"
# Thousands of users sign up from 127.0.0.1: lift the per-IP sign-up limit for the run.
"$bin" serve --listen "127.0.0.1:$port" --data-dir "$out/data" --log warn --signups-per-ip-per-hour 0 \
  >"$out/ocomms.log" 2>&1 &
ocomms_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
ejabberd_pid=$(bench/peers/ejabberd.sh start)
echo "machine: $(nproc) cores; ocomms pid $ocomms_pid, ejabberd pid $ejabberd_pid; results in $out" >&2
