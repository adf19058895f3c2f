"""Deployment settings, login throttling (django-axes), the Content Security Policy and the
templates it relies on (no inline script or style), CSRF, and the admin under the policy."""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from .factories import PASSWORD

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "cxzy.intranet.example",
}


def _run(code_or_args, env):
    args = code_or_args if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        args, env={**clean, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )


# --- Production settings -------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_with_development_defaults():
    """The check is not vacuous: DEBUG on and the built-in key are reported."""
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W018" in result.stderr and "security.W009" in result.stderr


SHOW = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k, None) for k in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "X_FRAME_OPTIONS", "CACHES"]}, default=str))
"""


def test_production_settings_are_secure_by_default_and_follow_the_environment():
    prod = json.loads(_run(SHOW, PRODUCTION_ENV).stdout)
    assert prod["DEBUG"] is False
    assert prod["SECURE_SSL_REDIRECT"] and prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SESSION_COOKIE_HTTPONLY"] and prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["SESSION_COOKIE_AGE"] <= 8 * 3600 and prod["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert prod["SECURE_PROXY_SSL_HEADER"] is None

    behind_proxy = json.loads(
        _run(SHOW, {**PRODUCTION_ENV, "DJANGO_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}).stdout
    )
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]

    plain_http = json.loads(_run(SHOW, {**PRODUCTION_ENV, "DJANGO_HTTPS": "0"}).stdout)
    assert not plain_http["SECURE_SSL_REDIRECT"] and not plain_http["SESSION_COOKIE_SECURE"]
    assert plain_http["SECURE_HSTS_SECONDS"] == 0


def test_cache_does_not_depend_on_redis():
    """With REDIS_URL (Celery's broker) the default cache stays in-process; only the sessions'
    copy is in Redis, and its store falls back to the database when Redis is down
    (accounts/sessions.py, tests/test_request_floor.py): Redis down breaks no page."""
    out = json.loads(_run(SHOW, {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:1/0"}).stdout)
    assert "redis" not in json.dumps(out["CACHES"]["default"]).lower()
    assert set(out["CACHES"]) <= {"default", "sessions"}


# --- Login throttling ----------------------------------------------------------------------


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_wrong_passwords_lock_the_account_until_the_cool_off(institute):
    client = Client()
    username = institute.secretary.user.username
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, username, "wrong-password").status_code == 200  # the form again
    locked = _login(client, username, "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'data-testid="locked-out"' in page and "<form" not in page.split("<main")[1]

    # The right password is refused too, also from another address (the account is locked).
    assert _login(client, username, PASSWORD).status_code == 429
    assert _login(Client(), username, PASSWORD, ip="10.0.0.2").status_code == 429
    assert "_auth_user_id" not in client.session

    # Once the cool-off has passed, the right password works again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    response = _login(client, username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(institute.secretary.user.pk)


@pytest.mark.django_db
def test_guessing_many_accounts_from_one_address_locks_the_address(institute):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"nobody{i}", "wrong-password", ip="10.0.0.9")
    # Another, real account from that address is refused; from elsewhere it is not.
    assert _login(client, institute.member.user.username, PASSWORD, ip="10.0.0.9").status_code == 429
    assert _login(Client(), institute.member.user.username, PASSWORD, ip="10.0.0.10").status_code == 302


@pytest.mark.django_db
def test_lockout_page_is_in_chinese(institute):
    from django.utils import translation

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, "someone", "wrong-password")
    assert response.status_code == 429
    with translation.override("zh-hans"):
        expected = translation.gettext("Login locked")
    assert f"<title>{expected}" in response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_administrator_unlocks_an_account_in_the_admin(institute):
    username = institute.member.user.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), username, "wrong-password")
    assert _login(Client(), username, PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(institute.admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert username in admin.get(changelist).content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login(Client(), username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(institute):
    username = institute.member.user.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), username, "wrong-password")
    assert _login(Client(), username, PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), username, "wrong-password")
    assert _login(Client(), username, PASSWORD).status_code == 302


# --- CSRF, sessions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_posts_without_csrf_token_are_refused(institute):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, institute.member.user.username, PASSWORD).status_code == 403
    client.force_login(institute.member.user)
    assert client.post(reverse("notifications")).status_code == 403
    assert client.post(reverse("logout")).status_code == 403


@pytest.mark.django_db
def test_session_cookie_ends_with_the_browser_and_the_working_day(institute):
    client = Client()
    response = _login(client, institute.member.user.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and not cookie["max-age"] and not cookie["expires"]
    assert client.session.get_expiry_age() <= 8 * 3600


# --- Content Security Policy ---------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, url",
    [
        ("anonymous", "/accounts/login/"),
        ("member", "/"),
        ("office", "/pledges/"),
        ("office", "/audit/"),
        ("admin", "/admin/"),
        ("admin", "/admin/branches/branch/"),
    ],
)
def test_every_page_has_a_strict_content_security_policy(client, users, role, url):
    if users[role]:
        client.force_login(users[role])
    response = client.get(url)
    assert response.status_code == 200
    policy = _csp(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    # A <script> without src is inline code, unless it is a JSON data block (json_script).
    (
        re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
        "inline <script>",
    ),
]


def _project_templates():
    """The templates served to browsers; those under a ``pdf/`` folder are rendered to PDF by
    WeasyPrint on the server and never reach a browser."""
    base = Path(settings.BASE_DIR)
    roots = [base / "templates"] + [p for p in base.glob("*/templates") if ".venv" not in p.parts]
    return [p for root in roots for p in root.rglob("*.html") if "pdf" not in p.relative_to(root).parts]


def test_no_template_has_inline_script_or_style():
    found = []
    for path in _project_templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_progress_bar_widths_come_from_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text(encoding="utf-8")
    for value in range(101):
        assert f".pct-{value}{{width:{value}%}}" in css


# --- In a real browser under the policy ----------------------------------------------------


def _watch_csp(page):
    """Collect the browser's reports of anything the policy blocked."""
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    return violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_in_a_browser(login, live_server, institute):
    from .test_pledges_support import make_pledge, step

    pledge = make_pledge(institute, "member", "published")
    step(institute, pledge, "progress", percent=40)
    page = login(institute.member.user)
    violations = _watch_csp(page)

    # Bootstrap's script runs (a dropdown opens) and the progress bar has its width from the CSS.
    page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    bar = page.get_by_test_id("overall-progress").locator(".progress-bar")
    expect(bar).to_have_text("20%")
    outer = page.get_by_test_id("overall-progress").locator(".progress").bounding_box()["width"]
    inner = bar.bounding_box()["width"]
    assert abs(inner / outer - 0.20) < 0.02
    toggle = page.locator("nav .dropdown-toggle").first
    toggle.click()
    expect(page.locator("nav .dropdown-menu.show")).to_have_count(1)

    # The language menu submits itself (static/js/app.js, data-autosubmit): no inline handler.
    page.select_option("[data-testid=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("[data-testid=language]", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_works_under_the_policy(login, live_server, institute):
    page = login(institute.admin)
    violations = _watch_csp(page)

    page.goto(f"{live_server.url}/admin/branches/branch/")
    expect(page.locator("#result_list")).to_contain_text(institute.branch.name)
    page.goto(f"{live_server.url}/admin/branches/branch/{institute.branch.pk}/change/")
    # The admin's scripts are files and run: jQuery is loaded, the filter widget for the
    # departments (many-to-many) is built by SelectFilter2.js.
    assert page.evaluate("typeof django !== 'undefined' && typeof django.jQuery") == "function"
    page.goto(f"{live_server.url}/admin/branches/branch/{institute.branch.pk}/history/")
    expect(page.locator("#content")).to_be_visible()

    # The scheduled jobs' form: its crontab help comes from a static file now.
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="10", hour="1", timezone="Asia/Shanghai")
    job = PeriodicTask.objects.create(name="测试任务", task="core.tasks.worker_check", crontab=crontab)
    page.goto(f"{live_server.url}/admin/django_celery_beat/periodictask/{job.pk}/change/")
    page.select_option("#id_crontab", str(job.crontab_id))
    expect(page.locator(".field-crontab .help")).to_contain_text("—")
    page.goto(f"{live_server.url}/admin/axes/accessattempt/")
    expect(page.locator("#content")).to_be_visible()
    assert violations == []
