#!/usr/bin/env bash
# One backup of the database and the uploaded files (manage.py backup, core/backup.py) into a new
# folder $CXZY_BACKUP_DIR/YYYY-MM-DD_HHMMSS, then rotation: the newest $CXZY_BACKUP_KEEP backups
# are kept, older ones deleted. Nothing is deleted unless this backup is complete. Run by
# cxzy-backup.service (nightly, cxzy-backup.timer) with the environment of /etc/cxzy/cxzy.env.
#   CXZY_BACKUP_DIR   where backups go (default /var/backups/cxzy)
#   CXZY_BACKUP_KEEP  how many to keep (default 14)
#   CXZY_APP_DIR      the application (default: the folder above this script)
# Restore: manage.py restore DIR (README: Security and reliability, Backup and restore).
set -euo pipefail
APP="${CXZY_APP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
DEST="${CXZY_BACKUP_DIR:-/var/backups/cxzy}"
KEEP="${CXZY_BACKUP_KEEP:-14}"
PY="${CXZY_PYTHON:-$APP/.venv/bin/python}"
[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || { echo "CXZY_BACKUP_KEEP must be a whole number of at least 1" >&2; exit 2; }

umask 077  # backups hold personal data: readable by the service user only
mkdir -p "$DEST"
name="$(date +%Y-%m-%d_%H%M%S)"
partial="$DEST/.partial-$name"
rm -rf "$DEST"/.partial-*  # what a backup cut off earlier left behind
"$PY" "$APP/manage.py" backup "$partial"
mv "$partial" "$DEST/$name"
echo "Backup written: $DEST/$name"

# Rotation: complete backups only (named by date), oldest first; keep the newest $KEEP.
mapfile -t backups < <(find "$DEST" -mindepth 1 -maxdepth 1 -type d \
  -regextype posix-extended -regex '.*/[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{6}' -printf '%f\n' | sort)
excess=$(( ${#backups[@]} - KEEP ))
for (( i = 0; i < excess; i++ )); do
  rm -rf -- "${DEST:?}/${backups[i]}"
  echo "Old backup removed: $DEST/${backups[i]}"
done
