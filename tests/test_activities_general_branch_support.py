"""A general branch's own activity records (issue 20), built once per test world: for the
permission grid (``gbpk``) and tests/test_activities_general_branch*.py."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from accounts.access import compute_access
from activities import services
from activities.models import AttendanceStatus, Kind
from activities.services import AttendanceEntry
from branches.models import Position

from .factories import GeneralBranchFactory, make_secretary

TODAY = datetime.date(2026, 11, 1)


def gb_committee_member(institute, name="钱总支委员"):
    """A 委员 of the general branch (a member of its first branch)."""
    from .factories import make_member

    person = make_member(institute.branch2, name=name)
    Position.objects.create(
        person=person,
        title=Position.Title.COMMITTEE_MEMBER,
        general_branch=institute.gb,
        started_on=datetime.date(2020, 1, 1),
    )
    return person


def gb_record(institute, *, kind=Kind.GB_COMMITTEE_MEETING, held_on=datetime.date(2026, 3, 2), **kwargs):
    """A record of the general branch ``institute.gb``, entered by its secretary."""
    attendance = kwargs.pop("attendance", None)
    if attendance is None and kind == Kind.GB_COMMITTEE_MEETING:
        attendance = [AttendanceEntry(institute.gb_secretary, AttendanceStatus.PRESENT)]
    return services.record_create(
        general_branch=institute.gb,
        kind=kind,
        access=compute_access(institute.gb_secretary.user),
        held_on=held_on,
        title=kwargs.pop("title", "党总支委员会"),
        attendance=attendance or (),
        today=TODAY,
        **kwargs,
    )


def gb_world(w) -> SimpleNamespace:
    """A general branch record (with a file), an archived one, and another general branch's."""
    g = SimpleNamespace()
    g.gb_record = gb_record(w, files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n")])
    g.gb_record_file = g.gb_record.evidence.get()
    g.gb_archived_record = services.record_archive(
        record=gb_record(w, title="重复录入"), access=compute_access(w.gb_secretary.user), reason="重复"
    )
    g.other_gb = GeneralBranchFactory(committee=w.committee, name="第二党总支")
    g.other_gb_secretary = make_secretary(g.other_gb, name="冯总支书记")
    g.other_gb_record = services.record_create(
        general_branch=g.other_gb,
        kind=Kind.NEWS_REPORT,
        access=compute_access(g.other_gb_secretary.user),
        held_on=datetime.date(2026, 3, 3),
        title="第二党总支通讯",
        published_in="《26所通讯》",
        today=TODAY,
    )
    g.gb = w.gb
    return g


def cached(w) -> SimpleNamespace:
    if not hasattr(w, "_gb_activities"):
        w._gb_activities = gb_world(w)
    return w._gb_activities


def gbpk(name):
    """For the permission grid: the pk of a general branch's object, built on first use."""
    return lambda w: {"pk": getattr(cached(w), name).pk}


def gbkind(name, kind):
    """For the permission grid: a new record of a general branch of ``kind``."""
    return lambda w: {"general_branch": getattr(cached(w), name).pk, "kind": kind}


def check_general_branch_activities_one_behind(year):
    """The demo year (tests/test_demo_year.py): each general branch has its own committee
    meetings and news reports, most their secretary's lecture, and one is behind."""
    from django.utils import timezone

    from activities.compliance import compliance_table
    from activities.models import ActivityRecord
    from branches.models import Branch, GeneralBranch
    from demo.data import GB_SECRETARY_UNIT

    from .test_demo_year import NotYet

    today = timezone.localdate()
    if today < datetime.date(year.year, 7, 1):
        raise NotYet(datetime.date(year.year, 7, 1))
    general_branches = GeneralBranch.objects.filter(committee=year.campaign.committee, is_active=True)
    records = ActivityRecord.objects.filter(general_branch__in=general_branches, held_on__year=year.year)
    assert records.filter(kind=Kind.GB_COMMITTEE_MEETING).values("general_branch").distinct().count() >= 2
    assert records.filter(kind=Kind.GB_COMMITTEE_MEETING, attendance__isnull=False).exists()
    lectures = records.filter(kind=Kind.SECRETARY_LECTURE)
    assert lectures.filter(attendance__person__branch__general_branch=models.F("general_branch")).exists()
    table = compliance_table(
        campaign_year=year, branches=Branch.objects.none(), general_branches=general_branches, today=today
    )
    behind = [row.general_branch.name for row in table.rows if row.overdue]
    assert len(behind) == 1 and GB_SECRETARY_UNIT not in behind
    with_lecture = {
        r.general_branch.name for r in table.rows if r.items_of(Kind.SECRETARY_LECTURE)[0].recorded
    }
    assert GB_SECRETARY_UNIT in with_lecture and len(with_lecture) >= len(table.rows) - 2
