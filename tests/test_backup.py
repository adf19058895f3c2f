"""Backup and restore (manage.py backup / restore): the whole database and every uploaded file,
restored into an empty database and compared table by table and byte by byte."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from pledges.models import Pledge

from .test_pledges_support import make_pledge, step


def _dsn(dbname: str) -> str:
    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _fingerprint(dsn: str) -> dict:
    """Per table: the row count and an MD5 of every row's text, in a fixed order; and every
    sequence's position (so new rows get the same ids after a restore)."""
    result = {}
    with psycopg.connect(dsn) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        for table in tables:
            result[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
        for name, value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            result[f"sequence {name}"] = value
    return result


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def restore_db():
    """A new, empty database beside the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database_identically(institute, tmp_path, restore_db):
    # Records of several kinds, with history, and uploaded files (one with a Chinese name).
    pledge = make_pledge(institute, "member", "published")
    step(institute, pledge, "progress", percent=40)
    default_storage.save("evidence/2026/中期小结.pdf", ContentFile(b"%PDF-1.4 " + os.urandom(4096)))
    default_storage.save("rosters/名册.xlsx", ContentFile(os.urandom(2048)))
    media = Path(settings.MEDIA_ROOT)
    assert len(_files(media)) >= 2

    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir))
    assert {p.name for p in backup_dir.iterdir()} == {"database.pgdump", "media.tar.gz", "manifest.json"}

    restored_media = tmp_path / "restored-media"
    env = {"DATABASE_URL": _dsn(restore_db), "CXZY_MEDIA_ROOT": str(restored_media)}
    result = _manage("restore", str(backup_dir), env=env)
    assert result.returncode == 0, result.stderr

    source = _fingerprint(_dsn(connection.settings_dict["NAME"]))
    copy = _fingerprint(_dsn(restore_db))
    assert len(source) > 100  # every table of every app, history tables included
    assert source[Pledge._meta.db_table][0] == 1 and source[Pledge.history.model._meta.db_table][0] > 1
    assert copy == source
    assert _files(restored_media) == _files(media)

    # The restored copy is a working application database: nothing left to migrate.
    check = _manage("migrate", "--check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr

    # A restore never overwrites: the database (now full) is refused, and so is a damaged backup.
    again = _manage("restore", str(backup_dir), env={**env, "CXZY_MEDIA_ROOT": str(tmp_path / "m2")})
    assert again.returncode != 0 and "not empty" in again.stderr
    archive = backup_dir / "media.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-10] + b"0123456789")
    damaged = _manage("restore", str(backup_dir), env=env)
    assert damaged.returncode != 0 and "damaged" in damaged.stderr


def test_sqlite_round_trip(tmp_path):
    """The embedded SQLite database of a first run is copied with SQLite's online backup."""
    original = tmp_path / "db.sqlite3"
    media = tmp_path / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "纪实.pdf").write_bytes(b"%PDF-1.4 evidence")
    env = {"DATABASE_URL": f"sqlite:///{original}", "CXZY_MEDIA_ROOT": str(media)}
    assert _manage("migrate", "contenttypes", "-v", "0", env=env).returncode == 0
    with sqlite3.connect(original) as db:
        db.executemany(
            "INSERT INTO django_content_type (app_label, model) VALUES (?, ?)",
            [("x", f"m{i}") for i in range(50)],
        )
    result = _manage("backup", str(tmp_path / "backup"), env=env)
    assert result.returncode == 0, result.stderr

    restored = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    result = _manage(
        "restore",
        str(tmp_path / "backup"),
        env={"DATABASE_URL": f"sqlite:///{restored}", "CXZY_MEDIA_ROOT": str(restored_media)},
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(original) as a, sqlite3.connect(restored) as b:
        assert list(a.iterdump()) == list(b.iterdump())
    assert _files(restored_media) == _files(media)


def test_restore_refuses_archive_members_outside_media_root(tmp_path):
    import io
    import tarfile

    from core.backup import BackupError, _safe_members

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    buffer.seek(0)
    with tarfile.open(fileobj=buffer, mode="r:gz") as tar, pytest.raises(BackupError):
        list(_safe_members(tar, tmp_path))


def test_a_refused_archive_writes_nothing(tmp_path):
    """A media archive with a member it must not hold (here a symbolic link after a good file)
    is refused before the database or a single file is written, even with a manifest whose
    checksums match (made by whoever altered the backup)."""
    import hashlib
    import io
    import json
    import tarfile

    original = tmp_path / "db.sqlite3"
    media = tmp_path / "media"
    media.mkdir()
    env = {"DATABASE_URL": f"sqlite:///{original}", "CXZY_MEDIA_ROOT": str(media)}
    assert _manage("migrate", "contenttypes", "-v", "0", env=env).returncode == 0
    backup_dir = tmp_path / "backup"
    assert _manage("backup", str(backup_dir), env=env).returncode == 0

    with tarfile.open(backup_dir / "media.tar.gz", "w:gz") as tar:
        good = tarfile.TarInfo("evidence/纪实.pdf")
        good.size = 4
        tar.addfile(good, io.BytesIO(b"%PDF"))
        link = tarfile.TarInfo("evidence/passwd")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["sha256"]["media.tar.gz"] = hashlib.sha256(
        (backup_dir / "media.tar.gz").read_bytes()
    ).hexdigest()
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    restored = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    result = _manage(
        "restore",
        str(backup_dir),
        env={"DATABASE_URL": f"sqlite:///{restored}", "CXZY_MEDIA_ROOT": str(restored_media)},
    )
    assert result.returncode != 0 and "evidence/passwd" in result.stderr
    tables = []
    if restored.exists():
        with sqlite3.connect(restored) as db:
            tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == []
    assert not restored_media.exists() or not any(restored_media.rglob("*"))
