"""Audit: every write of every record keeps who and when (django-simple-history), the office
reads it in one log across all records of its institute, and nobody can change it."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from branches.models import Branch

from .factories import PASSWORD, BranchFactory

pytestmark = pytest.mark.django_db

# Models that keep no history, and why. Everything else that stores data must have it.
NO_HISTORY = {
    # The framework's own tables and libraries' bookkeeping.
    "admin.LogEntry": "is itself the admin's log",
    "auth.Permission": "created by migrations",
    "auth.Group": "not used for rights (accounts/access.py); changes are in the admin log",
    "accounts.User_groups": "not used for rights (accounts/access.py)",
    "accounts.User_user_permissions": "not used for rights (accounts/access.py)",
    "contenttypes.ContentType": "created by migrations",
    "sessions.Session": "logins, not records",
    "django_celery_beat.SolarSchedule": "schedules: changes are in the admin log",
    "django_celery_beat.IntervalSchedule": "schedules: changes are in the admin log",
    "django_celery_beat.ClockedSchedule": "schedules: changes are in the admin log",
    "django_celery_beat.CrontabSchedule": "schedules: changes are in the admin log",
    "django_celery_beat.PeriodicTasks": "a change marker for the beat process",
    "django_celery_beat.PeriodicTask": "schedules: changes are in the admin log",
    "axes.AccessAttempt": "is itself a log of logins",
    "axes.AccessLog": "is itself a log of logins",
    "axes.AccessFailureLog": "is itself a log of logins",
    "axes.AccessAttemptExpiration": "part of axes' log of logins",
    # Ours.
    "accounts.Notification": "a message sent by the system; carries its own sent and read times",
    "core.QueuedTask": "the task outbox: append-only, with queued and sent times",
    "supervision.ReminderLog": "append-only log of reminders sent",
    "awards.ScoringRun": "computed snapshot, immutable once approved; requested/approved by and at on the row",
    "awards.ScoreLine": "part of an immutable computed snapshot",
    "awards.GeneralBranchLine": "part of an immutable computed snapshot",
    "awards.ScoreItem": "part of an immutable computed snapshot",
    "formguard.SubmissionToken": "a one-time token against double submission; no record data",
    "activities.ComplianceSummary": "derived figures, recomputed from the records (activities.summary)",
    # Anonymous ballots: a history row would record who voted when (see evaluations/models.py).
    "evaluations.Voter": "anonymity",
    "evaluations.RatingCount": "anonymity",
    "evaluations.BallotCount": "anonymity",
    "evaluations.PooledBallot": "anonymity: a sealed ballot waiting to be counted; history would keep it",
    "evaluations.AppraisalPoolBallot": "anonymity: a sealed ballot waiting to be counted; history would keep it",
    "evaluations.FreeText": "anonymity",
    "evaluations.AppraisalVoter": "anonymity",
    "evaluations.AppraisalTally": "anonymity",
}
ANONYMOUS = {label for label, why in NO_HISTORY.items() if why == "anonymity"}


def _has_history(model) -> bool:
    return getattr(model._meta, "simple_history_manager_attribute", None) is not None


def _history_models():
    return {m.history.model for m in apps.get_models() if _has_history(m)}


def test_every_model_with_data_has_history():
    history_models = _history_models()
    missing = []
    for model in apps.get_models(include_auto_created=True):
        if model in history_models or model._meta.label in NO_HISTORY:
            continue
        if any(f.name == "m2m_history_id" for f in model._meta.fields):
            continue  # simple-history's own table of a tracked many-to-many field
        if model._meta.auto_created:  # a many-to-many table: its owner must track the field
            owner = model._meta.auto_created
            field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
            if owner._meta.label in NO_HISTORY:
                continue
            if _has_history(owner) and field.name in [
                f.name for f in owner.history.model._history_m2m_fields
            ]:
                continue
            missing.append(model._meta.label)
        elif not _has_history(model) and model._meta.label not in NO_HISTORY:
            missing.append(model._meta.label)
    assert not missing, f"models without history (add HistoricalRecords or list why not): {missing}"


def test_allow_list_has_no_stale_entries_and_ballots_keep_no_history():
    labels = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    installed = {c.label for c in apps.get_app_configs()}
    stale = [label for label in NO_HISTORY if label.split(".")[0] in installed and label not in labels]
    assert not stale
    for label in ANONYMOUS:
        assert not _has_history(apps.get_model(label)), label


def test_user_history_keeps_no_password_and_logins_are_not_changes(client, institute):
    user = institute.member.user
    fields = {f.name for f in User.history.model._meta.get_fields()}
    assert "password" not in fields and "last_login" not in fields
    before = user.history.count()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before

    # A change in the admin is recorded with who made it.
    admin_client = client.__class__()
    admin_client.force_login(institute.admin)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "username": user.username,
            "is_active": "",
            "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
            "date_joined_1": "08:00:00",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    assert admin_client.post(url, data).status_code == 302
    latest = user.history.latest()
    assert latest.history_user == institute.admin and latest.is_active is False


# --- The audit log page ---------------------------------------------------------------------


def _change(obj, user, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


def _rows(response):
    return response.context["entries"]


def test_office_reads_who_changed_what_and_when(client, institute):
    office = institute.office.user
    _change(institute.branch, office, name="第一党支部（更名）")
    year = institute.campaign.years.get()
    _change(year, office, pledges_due_on=year.pledges_due_on.replace(day=20))
    client.force_login(office)
    response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    rows = _rows(response)
    newest = rows[0]
    assert newest.record.history_user == office and newest.record.history_type == "~"
    assert newest.kind == str(year._meta.verbose_name)
    assert str(year._meta.get_field("pledges_due_on").verbose_name) in newest.changes
    renamed = rows[1]
    assert renamed.name == "第一党支部（更名）" and renamed.changes == [
        str(Branch._meta.get_field("name").verbose_name)
    ]
    page = response.content.decode()
    assert "第一党支部（更名）" in page and institute.office.name in page
    # Records created by the fixtures are there too ("+", by the system).
    assert any(r.record.history_type == "+" for r in rows)


def test_filters_by_kind_user_and_date(client, institute):
    office = institute.office.user
    _change(institute.branch, office, name="改名一")
    _change(institute.branch2, institute.admin, name="改名二")
    client.force_login(office)
    url = reverse("audit_log")

    by_model = _rows(client.get(url, {"model": "branches.branch"}))
    assert by_model and all(r.label == "branches.branch" for r in by_model)

    by_user = _rows(client.get(url, {"user": office.username}))
    assert [r.name for r in by_user] == ["改名一"]
    by_name = _rows(client.get(url, {"user": institute.office.name[:1]}))
    assert [r.name for r in by_name] == ["改名一"]

    today = timezone.localdate()
    assert _rows(client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}))
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert _rows(client.get(url, {"date_from": tomorrow})) == []
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert _rows(client.get(url, {"date_to": yesterday})) == []
    wrong = client.get(url, {"date_from": tomorrow, "date_to": yesterday})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_office_sees_only_its_institute_and_the_administrator_everything(client, institute):
    _change(institute.foreign_branch, institute.admin, name="外所支部（更名）")
    client.force_login(institute.office.user)
    names = [r.name for r in _rows(client.get(reverse("audit_log"), {"user": "admin"}))]
    assert "外所支部（更名）" not in names
    everything = {r.name for r in _rows(client.get(reverse("audit_log"), {"model": "branches.branch"}))}
    assert institute.branch.name in everything and institute.foreign_branch.name not in everything

    client.force_login(institute.admin)
    names = [r.name for r in _rows(client.get(reverse("audit_log"), {"user": "admin"}))]
    assert "外所支部（更名）" in names


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("staff", 403),
        ("member", 403),
        ("secretary", 403),
        ("gb_secretary", 403),
        ("leader", 403),
        ("office", 200),
        ("admin", 200),
    ],
)
def test_who_may_read_the_audit_log(client, users, role, status):
    if users[role]:
        client.force_login(users[role])
    assert client.get(reverse("audit_log")).status_code == status


def test_the_log_is_read_only(client, institute):
    client.force_login(institute.office.user)
    assert client.post(reverse("audit_log"), {"model": "branches.branch"}).status_code == 405
    # The admin offers no historical table, and an old version cannot be saved back.
    registered = {m for m in admin.site._registry}
    assert not registered & _history_models()
    client.force_login(institute.admin)
    branch = institute.branch
    version = branch.history.earliest()
    url = reverse("admin:branches_branch_simple_history", args=[branch.pk, version.history_id])
    assert client.get(url).status_code == 200
    count = branch.history.count()
    assert client.post(url, {"name": "回滚"}).status_code == 403
    branch.refresh_from_db()
    assert branch.name != "回滚" and branch.history.count() == count
    # History pages of the admin have no delete either.
    assert client.get(reverse("admin:branches_branch_delete", args=[branch.pk])).status_code == 403


def test_pages_cost_the_same_however_much_history(client, institute):
    client.force_login(institute.office.user)
    url = reverse("audit_log")
    for i in range(3):
        _change(institute.branch, institute.office.user, name=f"改名{i}")

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    filtered = count({"model": "branches.branch"})
    everything = count({})
    for i in range(80):
        branch = BranchFactory(committee=institute.committee, name=f"新支部{i}")
        _change(branch, institute.office.user, name=f"新支部{i}（改）")
    assert count({"model": "branches.branch"}) == filtered
    # Unfiltered, the page holds fewer kinds of record now (the newest are all branches).
    assert count({}) <= everything
    response = client.get(url, {"model": "branches.branch"})
    assert len(_rows(response)) == 50 and response.context["page_obj"].paginator.num_pages >= 4
    second = client.get(url, {"model": "branches.branch", "page": 2})
    assert {r.record.history_id for r in _rows(second)}.isdisjoint(
        {r.record.history_id for r in _rows(response)}
    )


def test_a_record_history_shows_names_labels_yes_no_and_dates(client, institute):
    """The change log says "党支部: 第一党支部 → 第二党支部", never "党支部: 1 → 2"; choices by
    their labels, booleans as 是/否, dates as written in Chinese; and the page shows the same."""
    from core.audit import object_history

    person = institute.member
    _change(person, institute.office.user, branch=institute.branch2)
    _change(
        person,
        institute.office.user,
        branch=institute.other_branch,
        gender="F",
        birth_date=datetime.date(1971, 3, 5),
    )
    changes = {label: (old, new) for label, old, new in object_history(person)[0]["changes"]}
    assert changes["党支部"] == ("第二党支部", "机关党支部")
    assert changes["出生日期"] == (None, "1971年3月5日")
    assert changes["性别"][1] == "女"
    _change(institute.branch, institute.office.user, is_active=False)
    changes = {label: (old, new) for label, old, new in object_history(institute.branch)[0]["changes"]}
    assert list(changes.values()) == [("是", "否")]

    client.force_login(institute.office.user)
    page = client.get(reverse("branches:person_detail", args=[person.pk])).content.decode()
    assert "第二党支部 → 机关党支部" in page and "1971年3月5日" in page
    # The audit page gives the same words.
    log = client.get(reverse("audit_log"), {"model": "branches.person"}).content.decode()
    assert "第二党支部 → 机关党支部" in log and f"#{person.pk}<" not in log


def test_a_record_history_costs_the_same_however_many_changes(institute, django_assert_max_num_queries):
    from core.audit import object_history

    person = institute.member
    branches = [institute.branch2, institute.other_branch, institute.branch]
    _change(person, institute.office.user, branch=branches[0])
    with django_assert_max_num_queries(3) as few:
        object_history(person)
    for i in range(12):
        _change(person, institute.secretary.user, branch=branches[i % 3], post=f"岗位{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = object_history(person)
    moves = [(old, new) for r in rows for label, old, new in r["changes"] if label == "党支部"]
    assert len(moves) >= 13
    assert {new for _old, new in moves[:12]} == {"第一党支部", "第二党支部", "机关党支部"}
