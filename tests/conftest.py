import copy
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

# The suite may run in pytest-xdist workers (scripts/test). pytest-django gives each worker its
# own PostgreSQL database; each gets its own Redis database too, or one worker's flush before a
# Celery test would empty the broker of the other's.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _XDIST_WORKER:
    _redis = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    _base, _, _db = _redis.rpartition("/")
    os.environ["TEST_REDIS_URL"] = f"{_base}/{int(_db) - int(_XDIST_WORKER.removeprefix('gw'))}"


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


def build_institute():
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


class _SharedInstitute:
    """The institute built once for the tests that roll back and use it (most of the suite),
    instead of once per test (some 400 statements, a third of a second each time).

    It is written inside a transaction opened before such a test and rolled back when a test
    comes that does not use it, so it is never committed; each test's own transaction
    (pytest-django's ``db``) is a savepoint inside it, and the test gets a deep copy of the
    objects: nothing one test changes, in the database or on the objects, reaches the next. A
    test that commits (``transactional_db``, ``live_server``: pytest-django runs them after the
    others) builds its own. Caches are cleared before every test, since the same rows (the same
    primary keys) now recur from test to test."""

    def __init__(self):
        self.blocker = None  # pytest-django's django_db_blocker, once the test database exists
        self.wanted = False  # by the test about to run
        self.atomic = None
        self.value = None

    def sync(self):
        """Open or close the shared transaction, as the test about to run needs; before any of
        its fixtures, so that its own transaction nests inside (or is not inside at all)."""
        if self.blocker is None:
            return
        from django.db import transaction

        with self.blocker.unblock():
            if self.wanted and self.atomic is None:
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                self.value = build_institute()
            elif not self.wanted and self.atomic is not None:
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
                self.atomic = self.value = None


SHARED = _SharedInstitute()


def _commits(item) -> bool:
    """As pytest-django decides it (its own reading of the marker): the test runs as a
    TransactionTestCase."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    SHARED.wanted = "institute" in getattr(item, "fixturenames", ()) and not _commits(item)
    SHARED.sync()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    SHARED.blocker = django_db_blocker  # the test database exists now: the first test's turn
    SHARED.sync()
    yield
    SHARED.wanted = False
    from django.db import connection

    if SHARED.atomic is not None and not connection.in_atomic_block:
        # The session is over and the connection has left the shared transaction already (seen
        # once when a worker's last test used the institute: the connection no longer in the
        # atomic block at teardown). Nothing was committed; nothing is left to roll back.
        SHARED.atomic = SHARED.value = None
    SHARED.sync()
    _end_leftover_sessions(django_db_blocker)


def _end_leftover_sessions(blocker):
    """Before the test database is dropped, end the sessions still connected to it, naming any
    that is not idle. Found by naming them: a connection of the worker process itself, opened
    during a live-server browser test (test_admin_works_under_the_policy in one run) and left
    idle after a ROLLBACK by a thread other than the test's, made the drop fail with "being
    accessed by other users" at the end of every full run. The database is dropped next;
    nothing of it is kept."""
    import warnings

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, left(query, 300), pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        ended = cursor.fetchall()
    for pid, state, query, _terminated in ended:
        if state != "idle":
            warnings.warn(f"a session was still {state} at the end: {pid} {query}", stacklevel=1)


@pytest.fixture
def transactional_db(transactional_db):
    # A test may ask for it on the way (request.getfixturevalue): never inside the shared one.
    SHARED.wanted = False
    SHARED.sync()
    return transactional_db


@pytest.fixture(autouse=True)
def _caches_cleared():
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def institute(db):
    """A small institute with one login per role (``build_institute``), shared as described in
    ``_SharedInstitute``."""
    if SHARED.atomic is not None:
        return copy.deepcopy(SHARED.value)
    return build_institute()


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
        app.test_worker_pid = worker.pid  # the worker's main process, for the tests that kill it
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
