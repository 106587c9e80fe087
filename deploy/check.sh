#!/usr/bin/env bash
# Validates the deployment files as far as this machine can, without Docker or a running systemd:
#   - the systemd unit with `systemd-analyze verify`;
#   - the nginx example with `nginx -t` (a self-signed certificate stands in for the real one);
#   - the Caddyfile with `caddy validate`;
#   - the compose files: parsed, every service's volumes and dependencies declared, the nodes
#     configured for PostgreSQL, Redis and S3 (deploy/check_compose.py);
#   - the Dockerfile: what it copies exists, it runs as non-root with a volume and a health check;
#   - the Debian package: built with cargo-deb from the binary given, installed with dpkg, its
#     settings checked with the installed binary, its unit verified, then purged.
#
#   deploy/check.sh target/debug/ocomms
# Needs: systemd-analyze, nginx, caddy, openssl, python3 with PyYAML, cargo-deb, dpkg (.ci/run
# installs them). Run as root for the package step (it installs and purges the package).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:?give the built ocomms binary}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { printf '== %s\n' "$*"; }

say "systemd unit"
sed "s#/usr/bin/ocomms#$bin#g" deploy/ocomms.service >"$tmp/ocomms.service"
systemd-analyze verify "$tmp/ocomms.service"

say "nginx example"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=chat.example.com \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
sed -e "s#/etc/letsencrypt/live/chat.example.com/fullchain.pem#$tmp/cert.pem#" \
  -e "s#/etc/letsencrypt/live/chat.example.com/privkey.pem#$tmp/key.pem#" \
  deploy/nginx/ocomms.conf >"$tmp/ocomms.conf"
cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http { access_log off; include $tmp/ocomms.conf; }
CONF
nginx -t -q -c "$tmp/nginx.conf"

say "Caddyfile"
DOMAIN=chat.example.com caddy validate --adapter caddyfile --config deploy/caddy/Caddyfile 2>&1 | tail -n 1

say "compose files and Dockerfile"
python3 deploy/check_compose.py

say "Debian package"
rm -rf target/debian
# The debug build stands in for the release one (cargo-deb warns that it is meant for releases).
cargo deb -p ocomms --no-build --profile dev --deb-version 0.0.0-check >/dev/null 2>&1
deb=$(ls target/debian/ocomms_*.deb)
dpkg-deb --contents "$deb" | awk '{print $6}' | sort >"$tmp/contents"
for path in ./usr/bin/ocomms ./etc/ocomms/ocomms.toml ./usr/lib/systemd/system/ocomms.service \
  ./usr/share/doc/ocomms/deployment.md; do
  grep -qx "$path" "$tmp/contents" || { echo "the package lacks $path" >&2; exit 1; }
done
if [ "$(id -u)" = 0 ]; then
  dpkg -i "$deb" >/dev/null
  trap 'dpkg --purge ocomms >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
  getent passwd ocomms >/dev/null || { echo "the package made no ocomms user" >&2; exit 1; }
  [ "$(stat -c '%U:%G %a' /etc/ocomms/ocomms.toml)" = "root:ocomms 640" ] ||
    { echo "the settings file is not root:ocomms 640" >&2; exit 1; }
  /usr/bin/ocomms --config /etc/ocomms/ocomms.toml config check | tail -n 1 | grep -qx ok
  systemd-analyze verify /usr/lib/systemd/system/ocomms.service
  dpkg --purge ocomms >/dev/null
else
  echo "not root: package built and listed, not installed"
fi
say "deployment files ok"
