"""Backup and restore of the whole database and the uploaded files (``manage.py backup DIR`` /
``manage.py restore DIR``).

A backup is a folder holding:

- ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  the online backup API: a consistent copy while the application runs);
- ``media.tar.gz``: every uploaded file (MEDIA_ROOT);
- ``manifest.json``: when, from which engine, the applied migrations, and the SHA-256 of each file.

The database is copied first, then the files: a file uploaded meanwhile is in the archive
without its row, never the other way round (nothing is ever deleted). A restore goes into an
EMPTY database and an empty MEDIA_ROOT only, and checks the checksums first; it never
overwrites data. PostgreSQL needs pg_dump/pg_restore of at least the server's major version
(Debian: package postgresql-client).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    pass


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise ImproperlyConfigured(f"Backups support PostgreSQL and SQLite, not {vendor}")
    return vendor


def _pg_env_args(alias: str) -> tuple[dict, list[str]]:
    db = connections[alias].settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args


def _check_pg_client(program: str, alias: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    client_major = int(re.search(r"(\d+)", out).group(1))
    connection = connections[alias]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if client_major < server_major:
        raise BackupError(f"{program} {client_major} is older than the PostgreSQL server {server_major}")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(target: Path, *, alias: str = "default") -> dict:
    """Write a backup of the database ``alias`` and of MEDIA_ROOT into the new folder ``target``."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    engine = _engine(alias)
    target.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    if engine == "postgresql":
        pg_dump = _check_pg_client("pg_dump", alias)
        env, args = _pg_env_args(alias)
        subprocess.run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target / PG_DUMP),
                *args,
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        database_file = PG_DUMP
    else:
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        database_file = SQLITE_COPY

    media_root = Path(settings.MEDIA_ROOT)
    media_count = 0
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    media_count += 1

    migrations = sorted(MigrationRecorder(connection).migration_qs.values_list("app", "name"))
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": engine,
        "database": str(connection.settings_dict["NAME"]),
        "database_file": database_file,
        "media_files": media_count,
        "migrations": [f"{app}.{name}" for app, name in migrations],
        "sha256": {name: _sha256(target / name) for name in (database_file, MEDIA_ARCHIVE)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict:
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["sha256"].items():
        if not (source / name).is_file() or _sha256(source / name) != expected:
            raise BackupError(f"{name} is missing or damaged (checksum differs)")
    return manifest


def restore(source: Path, *, alias: str = "default") -> dict:
    """Restore the backup in ``source`` into the EMPTY database ``alias`` and the empty MEDIA_ROOT."""
    source = Path(source)
    manifest = read_manifest(source)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(f"The backup is of {manifest['engine']}, the database is {engine}")
    connection = connections[alias]
    if connection.introspection.table_names():
        raise BackupError("The database is not empty: restore only into a new, empty database")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media_root}) is not empty")
    # Everything is checked before anything is written: a member the archive must not hold
    # (a path outside MEDIA_ROOT, a link, a device) refuses the restore while the database and
    # MEDIA_ROOT are still empty, not half-way through.
    with tarfile.open(source / MEDIA_ARCHIVE, "r:gz") as tar:
        members = list(_safe_members(tar, media_root))
        _restore_database(source, connection, engine, alias)
        media_root.mkdir(parents=True, exist_ok=True)
        tar.extractall(media_root, members=members)
    return manifest


def _restore_database(source: Path, connection, engine: str, alias: str) -> None:
    if engine == "postgresql":
        pg_restore = _check_pg_client("pg_restore", alias)
        env, args = _pg_env_args(alias)
        result = subprocess.run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(source / PG_DUMP),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
    else:
        connection.close()
        backup_copy = sqlite3.connect(source / SQLITE_COPY)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            backup_copy.backup(target)
        finally:
            target.close()
            backup_copy.close()


def _safe_members(tar: tarfile.TarFile, root: Path):
    """Regular files and folders inside ``root`` only (Debian 12's Python 3.11 has no
    extraction filters): no absolute paths, no "..", no links or devices."""
    root = root.resolve()
    for member in tar.getmembers():
        target = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not target.is_relative_to(root) or target == root:
            raise BackupError(f"Refusing the archive member {member.name!r}")
        member.mode &= 0o755
        yield member
