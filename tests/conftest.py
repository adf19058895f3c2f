import os
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import pytest

from campaigns.models import LeadingGroupMember, OfficeMember

from .factories import (
    PASSWORD,
    BranchFactory,
    CommitteeFactory,
    DepartmentFactory,
    GeneralBranchFactory,
    PartyGroupFactory,
    PersonFactory,
    UserFactory,
    make_campaign,
    make_member,
    make_secretary,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese): a request's LocaleMiddleware leaves
    its language active in the thread, which would otherwise leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def institute(db):
    """A small institute with one login per role.

    - general branch ``gb`` holding ``branch`` (with group ``group``) and ``branch2``
    - ``other_branch`` sits directly under the committee (未设党总支的支部)
    - a second institute ``other_committee`` with ``foreign_branch``
    """
    committee = CommitteeFactory(name="二十六所党委")
    dept = DepartmentFactory(committee=committee, name="第一事业部")
    gb = GeneralBranchFactory(committee=committee, name="第一党总支", department=dept)
    branch = BranchFactory(committee=committee, general_branch=gb, name="第一党支部")
    branch2 = BranchFactory(committee=committee, general_branch=gb, name="第二党支部")
    branch.departments.add(dept)
    branch2.departments.add(dept)
    other_branch = BranchFactory(committee=committee, name="机关党支部", category="administration")
    group = PartyGroupFactory(branch=branch, name="第一党小组")
    campaign = make_campaign(committee)

    ns = SimpleNamespace(
        committee=committee,
        department=dept,
        gb=gb,
        branch=branch,
        branch2=branch2,
        other_branch=other_branch,
        group=group,
        campaign=campaign,
    )
    ns.secretary = make_secretary(branch, name="李书记")
    ns.gb_secretary = make_secretary(gb, name="王总支书记")
    ns.other_secretary = make_secretary(other_branch, name="赵书记")
    ns.member = make_member(branch, name="陈党员", user=True, party_group=None)
    ns.member2 = make_member(branch2, name="周党员")
    ns.other_member = make_member(other_branch, name="吴党员")
    ns.staff = PersonFactory(
        committee=committee, name="孙职工", department=dept, user=UserFactory(username="staff")
    )
    ns.office = PersonFactory(committee=committee, name="章瑜", user=UserFactory(username="office"))
    OfficeMember.objects.create(
        campaign=campaign, person=ns.office, role=OfficeMember.Role.DIRECTOR, title="党群工作处副处长"
    )
    ns.leader = PersonFactory(committee=committee, name="江波", user=UserFactory(username="leader"))
    LeadingGroupMember.objects.create(
        campaign=campaign, person=ns.leader, role=LeadingGroupMember.Role.LEADER, title="党委副书记、副所长"
    )
    admin = UserFactory(username="admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    ns.admin = admin

    other_committee = CommitteeFactory(name="二十七所党委")
    ns.other_committee = other_committee
    ns.foreign_branch = BranchFactory(committee=other_committee, name="外所党支部")
    ns.foreign_member = make_member(ns.foreign_branch, name="外所党员")
    return ns


@pytest.fixture
def users(institute):
    """Logins by role name, as used in the permission grids."""
    return {
        "anonymous": None,
        "staff": institute.staff.user,
        "member": institute.member.user,
        "secretary": institute.secretary.user,
        "gb_secretary": institute.gb_secretary.user,
        "other_secretary": institute.other_secretary.user,
        "office": institute.office.user,
        "leader": institute.leader.user,
        "admin": institute.admin,
    }


# --- Browser tests: Debian's chromium driven by Playwright (no browser download) ---
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's event loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form as ``user`` (all test users share one password)."""

    def _login(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login


# --- A real Celery worker (own process) on the test database and a Redis test database ---


@pytest.fixture
def celery_worker_process(transactional_db):
    """Start ``celery worker`` against the test database; tasks sent by the test go through the
    real Redis broker. Yields the Celery app. Use with data committed (transactional_db)."""
    import redis
    from django.conf import settings
    from django.db import connection

    from config.celery import app

    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis.Redis.from_url(redis_url).flushdb()
    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["USER"] else ""
    database_url = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CXZY_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    _reset_connections(app)
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "warning",
            "-c",
            "2",
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            assert worker.poll() is None, "the Celery worker did not start"
            assert time.monotonic() < deadline, "the Celery worker did not answer within 60 s"
        yield app
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        app.conf.update(saved)
        _reset_connections(app)


def _reset_connections(app):
    """Drop the broker connections so that the next use connects to the current broker."""
    from kombu import pools

    pools.reset()  # kombu's global pools, keyed by broker; a closed one must not be handed out again
    app._pool = None
    app.amqp._producer_pool = None
    # The result backend is cached on the app (or per thread); forget it so it is rebuilt.
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


# --- Scheduled jobs the migrations store ---

SCHEDULE_MIGRATIONS = [
    ("accounts.migrations.0004_outbox_schedule", "create_schedule"),
    ("core.migrations.0002_task_names", "forward"),
    ("formguard.migrations.0002_purge_schedule", "create_schedule"),
    ("reports.migrations.0002_beat_schedule", "create_schedules"),
    ("reports.migrations.0003_fail_stuck_schedule", "create_schedules"),
    ("supervision.migrations.0002_beat_schedules", "create_schedules"),
]


@pytest.fixture
def beat_schedules(db):
    """The beat schedules as the migrations store them. A live-server test run before this one
    empties every table when it ends (Django's TransactionTestCase flush), the migrations' rows
    included, and pytest-django does not always run those tests last: the migrations' code runs
    again here (each step is idempotent), in the migrations' order."""
    from importlib import import_module

    from django.apps import apps

    for module, function in SCHEDULE_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
