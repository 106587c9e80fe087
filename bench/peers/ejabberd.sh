#!/usr/bin/env bash
# Installs (from Debian) and starts or stops the ejabberd the peer benchmark compares against:
#   bench/peers/ejabberd.sh start     prints the pid of its Erlang VM, serves ws://127.0.0.1:5280/ws
#   bench/peers/ejabberd.sh stop
# Its own node name, config (bench/peers/ejabberd.yml), spool and logs under $EJABBERD_DIR, so it
# neither touches nor needs the system's ejabberd service.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${EJABBERD_DIR:-/tmp/ocomms-peers/ejabberd}
node=ocomms-bench@localhost
ctl() {
    # Our own ejabberdctl.cfg too: the system's one names the system's config and would win.
    # su applies the login limits (1,024 open files): raise them to the hard limit first.
    su ejabberd -s /bin/sh -c "ulimit -n \$(ulimit -Hn); ejabberdctl --node $node --ctl-config $dir/ejabberdctl.cfg --config $dir/ejabberd.yml --logs $dir/logs --spool $dir/spool $*"
}
case "${1:-}" in
start)
    if ! command -v ejabberdctl >/dev/null; then
        echo "installing ejabberd from Debian …" >&2
        (apt-get install -y --no-install-recommends ejabberd || { apt-get update && apt-get install -y --no-install-recommends ejabberd; }) >&2
    fi
    if ss -ltn 'sport = :5280' | grep -q LISTEN; then
        echo "port 5280 is taken (the system's ejabberd? systemctl stop ejabberd)" >&2
        exit 1
    fi
    mkdir -p "$dir/logs" "$dir/spool"
    cp "$here/ejabberd.yml" "$dir/ejabberd.yml"
    printf 'POLL=true\nERL_PROCESSES=1000000\nERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"\n' >"$dir/ejabberdctl.cfg"
    chown -R ejabberd: "$dir"
    ctl start >&2
    ctl started >&2
    pgrep -u ejabberd -f "beam.*$node" | head -1
    ;;
stop)
    ctl stop >&2 || true
    ctl stopped >&2 || true
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
