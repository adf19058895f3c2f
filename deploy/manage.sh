#!/usr/bin/env bash
# manage.py as the service user, with the services' environment (/etc/cxzy/cxzy.env):
#   cxzy-manage migrate            (installed as /usr/local/bin/cxzy-manage, README: Deployment)
#   cxzy-manage createsuperuser
set -euo pipefail
APP="${CXZY_APP_DIR:-/opt/cxzy}"
ENV_FILE="${CXZY_ENV_FILE:-/etc/cxzy/cxzy.env}"
if [ "$(id -un)" != cxzy ]; then
  exec runuser -u cxzy -- "$0" "$@"
fi
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
cd "$APP"
exec "$APP/.venv/bin/python" manage.py "$@"
