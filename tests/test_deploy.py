"""The production deployment of deploy/ (README: Deployment), run for real on loopback ports.

nginx (Debian's package, unprivileged ports) runs deploy/nginx-cxzy.conf, with only the ports,
certificate (self-signed, made here with openssl) and folders replaced, in front of gunicorn
started with deploy/gunicorn.conf.py and the production settings of deploy/cxzy.env.example
(DEBUG off, HTTPS, the proxy headers) on the test database. Clients connect from 127.0.0.2 and
127.0.0.3, so that the client's address differs from the proxy's (127.0.0.1).
"""

import gzip
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
HOST = "cxzy.test"
CLIENT, OTHER_CLIENT = "127.0.0.2", "127.0.0.3"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nothing listens on {port}:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env_example() -> dict:
    values = {}
    for line in (DEPLOY / "cxzy.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def nginx_site(*, upstream: int, http: int, https: int, cert: Path, key: Path, static: Path) -> str:
    """deploy/nginx-cxzy.conf with the test's ports, certificate and folder (each must be there)."""
    site = (DEPLOY / "nginx-cxzy.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server_name cxzy.example.org;", f"server_name {HOST};"),
        ("/etc/ssl/cxzy/cxzy.crt", str(cert)),
        ("/etc/ssl/cxzy/cxzy.key", str(key)),
        ("/var/lib/cxzy/static/", f"{static}/"),
    ]:
        assert old in site, f"deploy/nginx-cxzy.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


@pytest.fixture(scope="module")
def site(django_db_setup, tmp_path_factory):
    """nginx in front of gunicorn, as deploy/ sets them up; yields how to reach them."""
    tmp = tmp_path_factory.mktemp("deploy")
    cert, key = tmp / "cxzy.crt", tmp / "cxzy.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    # Static files as collectstatic leaves them, in a folder only nginx knows (the application's
    # STATIC_ROOT is elsewhere): what is answered from it was answered by nginx.
    static = tmp / "static"
    (static / "css").mkdir(parents=True)
    shutil.copy(ROOT / "static" / "css" / "app.css", static / "css" / "app.css")
    (static / "css" / "app.css.gz").write_bytes(gzip.compress((static / "css" / "app.css").read_bytes()))
    (static / "only-in-nginx.txt").write_text("served by nginx\n")

    upstream, http_port, https_port = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CXZY_", "REDIS_URL"))}
    env.update(_env_example())
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="deploy-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        DATABASE_URL=_database_url(),
        CXZY_VAR_DIR=str(tmp / "var"),
        # Nothing collected into the application's own STATIC_ROOT: plain storage for the pages.
        CXZY_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        CXZY_LOGIN_FAILURE_LIMIT="3",
        CXZY_BIND=f"127.0.0.1:{upstream}",
        WEB_WORKERS="1",
    )
    del env["REDIS_URL"]  # the login needs no broker; tasks would go to files in CXZY_VAR_DIR
    gunicorn_log = tmp / "gunicorn.log"
    with gunicorn_log.open("wb") as out:
        gunicorn = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "--config",
                str(DEPLOY / "gunicorn.conf.py"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    prefix = tmp / "nginx"
    for folder in ("logs", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / folder).mkdir(parents=True)
    (prefix / "site.conf").write_text(
        nginx_site(upstream=upstream, http=http_port, https=https_port, cert=cert, key=key, static=static)
    )
    # The main file as Debian's /etc/nginx/nginx.conf has it (mime types, sites inside http {}).
    (prefix / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""
    )
    nginx_cmd = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    checked = subprocess.run([*nginx_cmd, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx_log = prefix / "logs" / "error.log"
    nginx = subprocess.Popen([*nginx_cmd, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(https_port, nginx, nginx_log)
        _wait_for_port(upstream, gunicorn, gunicorn_log)
        yield SimpleNamespace(http=http_port, https=https_port, tmp=tmp, static=static, log=gunicorn_log)
    finally:
        _stop(nginx)
        _stop(gunicorn)


def fetch(site, path, *, method="GET", https=True, source=CLIENT, headers=None, body=None):
    """One request to nginx from ``source``; returns (status, headers, body)."""
    if https:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(
            "127.0.0.1", site.https, context=context, source_address=(source, 0), timeout=30
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", site.http, source_address=(source, 0), timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_plain_http_is_sent_to_https(site):
    status, headers, _ = fetch(site, "/records/?page=2", https=False)
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/records/?page=2"


def test_static_files_are_served_by_nginx(site):
    status, headers, body = fetch(site, "/static/css/app.css")
    assert status == 200
    assert body == (ROOT / "static" / "css" / "app.css").read_bytes()
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Cache-Control"] == "max-age=2592000"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # The compressed copy collectstatic writes is sent to browsers that accept it.
    status, headers, body = fetch(site, "/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (ROOT / "static" / "css" / "app.css").read_bytes()
    # A file only nginx's folder has: answered by nginx, not by the application.
    status, _, body = fetch(site, "/static/only-in-nginx.txt")
    assert (status, body) == (200, b"served by nginx\n")


def test_pages_come_through_https_with_the_security_headers(site):
    status, headers, body = fetch(site, "/accounts/login/")
    # 200, not a redirect to https: the application knows the request came over HTTPS.
    assert status == 200, body[:500]
    assert headers["Server"].startswith("nginx")
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert len(headers.get_all("Strict-Transport-Security")) == 1  # nginx adds none of its own
    cookie = SimpleCookie(headers["Set-Cookie"])["csrftoken"]
    assert cookie["secure"] and cookie["samesite"] == "Lax"
    # Uploaded evidence is never a static file: /media/ goes to the application, which has no such URL.
    status, headers, _ = fetch(site, "/media/activities/some-file.pdf")
    assert status == 404 and "Content-Security-Policy" in headers


def _login(site, username, password, *, source, forged=None):
    """The login form as a browser sends it; ``forged``: an X-Forwarded-For the client adds."""
    status, headers, body = fetch(site, "/accounts/login/", source=source)
    assert status == 200
    csrf = SimpleCookie(headers["Set-Cookie"])["csrftoken"].value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    extra = {"X-Forwarded-For": forged} if forged else {}
    status, headers, _ = fetch(
        site,
        "/accounts/login/",
        method="POST",
        source=source,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/accounts/login/",
            **extra,
        },
    )
    return status, headers


@pytest.mark.django_db(transaction=True)
def test_the_login_throttle_sees_the_client_behind_the_proxy(site):
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from .factories import PASSWORD, UserFactory

    user = UserFactory(username="zhangsan")
    # The server runs the production hashers; the test settings' MD5 is not among them.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    # Three wrong passwords (the limit in this test) for three names, each with a different
    # forged X-Forwarded-For: they all count against the one client, which is then locked out.
    statuses = [
        _login(site, f"guess{n}", "wrong-password", source=CLIENT, forged=f"203.0.113.{n}")[0]
        for n in (1, 2, 3)
    ]
    assert statuses == [200, 200, 429], statuses
    assert _login(site, "zhangsan", PASSWORD, source=CLIENT, forged="198.51.100.7")[0] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
    # Another client of the same proxy is not locked out with it.
    status, headers = _login(site, "zhangsan", PASSWORD, source=OTHER_CLIENT)
    assert (status, headers["Location"]) == (302, "/")
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie"):
        cookies.load(header)
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httponly"]


def test_upload_limit_lets_the_application_refuse_evidence_itself():
    from core.evidence import MAX_FILES, MAX_SIZE

    site_conf = (DEPLOY / "nginx-cxzy.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", site_conf).group(1)) * 1024 * 1024
    largest_form = MAX_FILES * MAX_SIZE  # the largest upload the application accepts
    assert largest_form < limit <= largest_form + 64 * 1024 * 1024


def test_client_address_trusts_only_the_proxies_entries(rf, settings):
    from core.client_address import client_address

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.1.2.3")
    settings.CXZY_PROXY_COUNT = 0
    assert client_address(request) == "127.0.0.1"  # no proxy configured: the header is ignored
    settings.CXZY_PROXY_COUNT = 1
    assert client_address(request) == "10.1.2.3"  # the entry nginx added; the forged one is ignored
    settings.CXZY_PROXY_COUNT = 2
    assert client_address(request) == "203.0.113.9"
    settings.CXZY_PROXY_COUNT = 3
    assert client_address(request) == "127.0.0.1"  # fewer entries than proxies: not through them
    settings.CXZY_PROXY_COUNT = 1
    for forwarded in ("", "not-an-address", "10.0.0.1, <script>"):
        assert (
            client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded))
            == "127.0.0.1"
        )
    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=" ::1 ")) == "::1"


@pytest.mark.django_db(transaction=True)
def test_nightly_backup_keeps_the_newest_and_never_deletes_on_failure(tmp_path):
    from .factories import UserFactory

    UserFactory(username="backed-up")
    dest = tmp_path / "backups"
    old = [f"2020-01-{day:02d}_023000" for day in range(1, 6)]
    for name in old:
        (dest / name).mkdir(parents=True)
    (dest / ".partial-2020-01-06_023000").mkdir()  # cut off by a crash
    (dest / "notes").mkdir()  # not a backup: left alone
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXZY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        CXZY_VAR_DIR=str(tmp_path / "var"),
        CXZY_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CXZY_BACKUP_DIR=str(dest),
        CXZY_BACKUP_KEEP="3",
        CXZY_PYTHON=str(ROOT / ".venv" / "bin" / "python"),
    )
    done = subprocess.run([str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    kept = sorted(p.name for p in dest.iterdir())
    new = [name for name in kept if name not in old and name != "notes"]
    assert len(new) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\d_\d{6}", new[0]), kept
    assert kept == sorted([*old[-2:], new[0], "notes"])
    assert {p.name for p in (dest / new[0]).iterdir()} == {"manifest.json", "database.pgdump", "media.tar.gz"}
    assert (dest / new[0]).stat().st_mode & 0o077 == 0  # personal data: the service user only

    # A backup that fails deletes nothing.
    failing = {**env, "DATABASE_URL": "postgres://nobody:wrong@127.0.0.1:1/none"}
    done = subprocess.run(
        [str(DEPLOY / "backup.sh")], env=failing, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert sorted(p.name for p in dest.iterdir() if not p.name.startswith(".partial-")) == kept


def test_env_example_names_only_settings_that_are_read():
    """Every variable of deploy/cxzy.env.example (set or commented out) is read by the settings,
    gunicorn's config or the backup script, so that none is a silent no-op."""
    text = (DEPLOY / "cxzy.env.example").read_text()
    names = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))
    readers = "".join(
        (path).read_text()
        for path in (ROOT / "config" / "settings.py", DEPLOY / "gunicorn.conf.py", DEPLOY / "backup.sh")
    )
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CXZY_PROXY_COUNT"} <= names
    assert not {name for name in names if name not in readers and name != "DATABASE_URL"}
    # DATABASE_URL is read by dj-database-url.
    assert "dj_database_url.config(" in readers


def test_units_run_what_the_folder_holds():
    units = {p.name: p.read_text() for p in DEPLOY.glob("cxzy-*.service")}
    assert set(units) == {
        "cxzy-web.service",
        "cxzy-worker.service",
        "cxzy-beat.service",
        "cxzy-backup.service",
    }
    for name, text in units.items():
        assert "User=cxzy" in text and "EnvironmentFile=/etc/cxzy/cxzy.env" in text, name
        for path in re.findall(r"/opt/cxzy/(deploy/[\w.-]+)", text):
            assert (ROOT / path).is_file(), f"{name} names {path}, which deploy/ does not have"
    assert "celery -A config worker" in units["cxzy-worker.service"]
    assert "celery -A config beat" in units["cxzy-beat.service"]
    assert "OnCalendar=" in (DEPLOY / "cxzy-backup.timer").read_text()
    readme = (ROOT / "README.md").read_text()
    deployment = readme[readme.index("\n## Deployment") :]
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in deployment, (
            f"README's Deployment section does not mention {path.name}"
        )
