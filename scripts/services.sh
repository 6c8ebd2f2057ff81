#!/usr/bin/env bash
# Makes sure what the tests need is running on this machine: PostgreSQL on 127.0.0.1:5432 with
# a database "test" reachable as postgres without a password, Redis on 127.0.0.1:6379, and
# Chromium for the web chat's browser test.
# When a server is missing it is installed from Debian's packages and started. Idempotent.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

log() { echo "services: $*" >&2; }

apt_install() {
  log "installing $* from Debian's packages"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }

ensure_postgres() {
  if ! pg_ready; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql postgresql-client
    fi
    local ver
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    local hba="/etc/postgresql/$ver/main/pg_hba.conf"
    # Tests connect over TCP as postgres without a password: trust loopback only.
    if ! $SUDO grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    fi
    log "starting PostgreSQL $ver"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || $SUDO pg_ctlcluster "$ver" main start
    for _ in $(seq 1 50); do pg_ready && break; sleep 0.2; done
    pg_ready || { log "PostgreSQL did not start"; exit 1; }
  fi
  if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1; then
    log "creating database test"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test" >/dev/null
  fi
}

redis_ready() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

ensure_redis() {
  if redis_ready; then return; fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  log "starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis_ready && break; sleep 0.1; done
  redis_ready || { log "Redis did not start"; exit 1; }
}

# The browser tests' screenshots need emoji and the bot's scripts (Arabic, Bengali, Ge'ez),
# or they show boxes.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  for font in fonts-noto-color-emoji fonts-noto-core; do
    dpkg -s "$font" >/dev/null 2>&1 || apt_install "$font"
  done
}

ensure_postgres
ensure_redis
ensure_chromium
