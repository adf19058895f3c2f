# Shared setup steps of scripts/run and scripts/test. Each step does nothing when its work is
# already done, so both commands are cheap to repeat. Needs root on Debian 12 (apt-get).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\033[1;31m==>\033[0m %s\n' "$*"; }

# Install the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Packages the application itself needs: Python 3.11 with venv, gettext for the translations,
# WeasyPrint's Pango and HarfBuzz subsetting (without it every PDF takes ~10 s) and a CJK font,
# and what pip needs to build python-ldap (django-auth-ldap; PyPI has no wheel): a compiler,
# Python's headers, OpenLDAP's and SASL's.
APP_PACKAGES=(python3.11 python3.11-venv python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0
              libharfbuzz-subset0 fonts-noto-cjk ca-certificates
              gcc python3.11-dev libldap2-dev libsasl2-dev)

# Packages the tests need besides APP_PACKAGES: PostgreSQL, Redis, Chromium for the browser tests,
# poppler-utils to read PDFs back, nginx for the deployment test (tests/test_deploy.py), OpenLDAP's
# server and tools for the directory sign-in (tests/test_ldap.py starts its own slapd on a free
# loopback port with a throw-away configuration; the package's own service and database, set up
# or not by its non-interactive install, are not used).
TEST_PACKAGES=(postgresql redis-server chromium poppler-utils nginx slapd ldap-utils)

# A virtualenv with the project installed; reinstalled only when pyproject.toml changes.
ensure_venv() {
  local extra="${1:-}"
  if [ ! -x "$PY" ]; then
    say "Creating the virtualenv"
    /usr/bin/python3.11 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)${extra:+-$extra}"
  if [ ! -f "$stamp" ]; then
    say "Installing Python packages"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -e ".${extra:+[$extra]}"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

# PostgreSQL on 127.0.0.1:5432 with a role and database "cxzy" (password cxzy) that may create
# databases (pytest-django creates its own test database).
ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "Starting PostgreSQL"
    local version
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$version" ]; then
      version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
      pg_createcluster "$version" main >/dev/null
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  local psql=(runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='cxzy'")" != "1" ]; then
    "${psql[@]}" -c "CREATE ROLE cxzy LOGIN CREATEDB PASSWORD 'cxzy'"
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='cxzy'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE cxzy OWNER cxzy"
  fi
}

ensure_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

# The number of web workers production starts: deploy/gunicorn.conf.py's own (cores + 1, at most
# 9; WEB_WORKERS overrides), read from that file rather than worked out again here.
production_web_workers() {
  "$PY" -c 'import runpy; print(runpy.run_path("deploy/gunicorn.conf.py")["workers"])'
}

# Background processes started by start_background; stop_background ends them (trap it on EXIT).
BACKGROUND_PIDS=()
start_background() {
  "$@" &
  BACKGROUND_PIDS+=($!)
}
stop_background() {
  # TERM first (gunicorn and Celery finish what they are doing); whatever still runs after 15 s
  # (a Celery worker waiting on its broker may never return) is killed with its children.
  local pid i alive
  for pid in "${BACKGROUND_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 1 30); do
    alive=0
    for pid in "${BACKGROUND_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${BACKGROUND_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  BACKGROUND_PIDS=()
}

# The Celery worker and beat (DatabaseScheduler: the scheduled jobs stored by the migrations and
# edited in the admin). The broker is Redis with REDIS_URL, otherwise files in var/celery/
# (config/settings.py). No gossip, mingle or heartbeats: one worker has nobody to talk to, and
# with the file broker they would leave messages behind for workers that are gone.
start_worker_and_beat() {
  local var="${CXZY_VAR_DIR:-$ROOT/var}" pidfile pid
  mkdir -p "$var"
  # A pid file left by a run that was killed, naming a process that is not Celery, is stale.
  for pidfile in "$var/celery-worker.pid" "$var/celery-beat.pid"; do
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && ! grep -qa celery "/proc/$pid/cmdline" 2>/dev/null; then rm -f "$pidfile"; fi
  done
  start_background "$VENV/bin/celery" -A config worker -l "${CELERY_LOG_LEVEL:-warning}" \
    --concurrency "${CELERY_WORKERS:-2}" --without-gossip --without-mingle --without-heartbeat \
    --pidfile "$var/celery-worker.pid"
  start_background "$VENV/bin/celery" -A config beat -l "${CELERY_LOG_LEVEL:-warning}" \
    --pidfile "$var/celery-beat.pid"
}

compile_messages() {
  "$PY" manage.py compilemessages --ignore ".venv" -v 0
}
