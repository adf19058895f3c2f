"""Writes of the activity record: every change goes through here, validated, in one transaction,
with the acting user in the history. Nothing is deleted: records and files are archived.

Every service takes the actor's ``access`` and asks ``workflow`` whether the actor may act
(``PermissionDenied`` otherwise) before it writes: a view's check is not trusted."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Branch, GeneralBranch, PartyGroup, Person
from campaigns.models import Campaign
from core.evidence import MAX_FILES, validate_evidence
from core.services import save_as

from .compliance import required_frequencies_for
from .lectures import lecture_kind
from .models import (
    ATTENDANCE_KINDS,
    LECTURE_KINDS,
    READING_KINDS,
    ActivityRecord,
    Attendance,
    AttendanceStatus,
    Book,
    Evidence,
    Kind,
    Period,
    ReadingList,
    RequiredFrequency,
    ResearchChampion,
    Unit,
    VanguardTeam,
    kinds_of,
)
from .people import general_branch_people
from .workflow import BRANCH_WORK, FREQUENCIES, READING_LISTS, RECORDS

# The fields of a record a secretary may set or correct.
RECORD_FIELDS = (
    "kind",
    "held_on",
    "title",
    "place",
    "host",
    "recorder",
    "party_group",
    "content",
    "published_in",
    "reading_list",
)


@dataclass(frozen=True)
class AttendanceEntry:
    person: Person
    status: str
    reason: str = ""


# --- records ----------------------------------------------------------------------------------


def _earliest_record_date(unit: Branch | GeneralBranch, today: datetime.date) -> tuple[datetime.date, bool]:
    """The earliest date a record may bear: the start of the institute's campaign (True), or,
    without a campaign, the first of January of last year (False). A typo such as 0001-01-01 or
    2002 for 2026 is refused instead of landing outside every year that counts."""
    began = (
        Campaign.objects.filter(committee_id=unit.committee_id)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return (began, True) if began else (datetime.date(today.year - 1, 1, 1), False)


def _validate_record(record: ActivityRecord, *, today: datetime.date) -> None:
    errors: dict[str, list[str]] = {}

    def error(name, message):
        errors.setdefault(name, []).append(message)

    unit = record.unit
    if (record.branch_id is None) == (record.general_branch_id is None):
        raise ValidationError(_("A record belongs to one branch or to one general branch."))
    if record.kind not in Kind.values:
        error("kind", _("Choose a kind of record."))
    elif record.is_general_branch and record.kind not in kinds_of(Unit.GENERAL_BRANCH):
        error("kind", _("A general branch does not record this kind; its branches do."))
    elif not record.is_general_branch and record.kind not in kinds_of(Unit.BRANCH):
        error("kind", _("Only a general branch records this kind."))
    if record.held_on and record.held_on > today:
        error("held_on", _("The date cannot be in the future: record what has taken place."))
    elif record.held_on:
        earliest, began = _earliest_record_date(unit, today)
        if record.held_on < earliest:
            error(
                "held_on",
                (
                    _("The date is before the campaign began (%(date)s): record activities from then on.")
                    if began
                    else _("The date is more than a year back (before %(date)s): record recent activities.")
                )
                % {"date": earliest.isoformat()},
            )
    if not (record.title or "").strip():
        error("title", _("Give the record a title."))
    if record.kind == Kind.GROUP_MEETING:
        if record.party_group is None:
            error("party_group", _("A party group meeting names its party group."))
        elif record.party_group.branch_id != record.branch_id:
            error("party_group", _("This party group belongs to another branch."))
    elif record.party_group is not None:
        error("party_group", _("Only a party group meeting names a party group."))
    for name in ("host", "recorder"):
        person = getattr(record, name)
        if person is not None and person.committee_id != unit.committee_id:
            error(name, _("%(name)s does not belong to this institute.") % {"name": person.name})
    if record.reading_list is not None:
        if record.kind not in READING_KINDS:
            error("reading_list", _("Only a reading session or review names a reading list."))
        elif record.reading_list.committee_id != unit.committee_id:
            error("reading_list", _("This reading list belongs to another institute."))
    if record.published_in and record.kind != Kind.NEWS_REPORT:
        error("published_in", _("Only a news report states where it was published."))
    if errors:
        raise ValidationError(errors)


def _validate_files(files: Iterable) -> list:
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"files": _("At most %(n)s files can be uploaded at once.") % {"n": MAX_FILES}}, code="too_many"
        )
    messages = []
    for file in files:
        try:
            validate_evidence(file)
        except ValidationError as refused:
            messages.extend(refused.messages)
    if messages:
        raise ValidationError({"files": messages})
    return files


def _write_attendance(record: ActivityRecord, entries: Iterable[AttendanceEntry], actor) -> None:
    """Create or correct attendance rows; a row is never removed. Unchanged rows are not saved,
    so that the history shows only real corrections."""
    entries = list(entries)
    if entries and record.kind not in ATTENDANCE_KINDS:
        raise ValidationError(
            {"attendance": _("Attendance is recorded for meetings and party lectures only.")}
        )
    existing = {a.person_id: a for a in record.attendance.all()} if record.pk else {}
    if record.is_general_branch:
        # Its committee and the members of its branches (``selectors.expected_attendees``).
        allowed = {p.pk for p in general_branch_people(record.general_branch)}
    elif record.kind == Kind.GROUP_MEETING:
        allowed = {p.pk for p in Person.objects.filter(party_group_id=record.party_group_id)}
    else:
        allowed = {p.pk for p in Person.objects.filter(branch_id=record.branch_id)}
    errors, seen = [], set()
    for entry in entries:
        name = entry.person.name
        if entry.person.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": name})
        seen.add(entry.person.pk)
        # Someone already recorded stays correctable after a transfer.
        if entry.person.pk not in allowed and entry.person.pk not in existing:
            if record.kind == Kind.GROUP_MEETING:
                errors.append(
                    _("%(name)s is not a member of %(group)s.")
                    % {"name": name, "group": record.party_group.name}
                )
            else:
                errors.append(
                    _("%(name)s is not a member of %(branch)s.") % {"name": name, "branch": record.unit.name}
                )
        if entry.status not in AttendanceStatus.values:
            errors.append(_("Choose present, on leave or absent for %(name)s.") % {"name": name})
        if entry.status == AttendanceStatus.LEAVE and not entry.reason.strip():
            errors.append(_("State the reason for the leave of %(name)s.") % {"name": name})
    if errors:
        raise ValidationError({"attendance": errors})
    for entry in entries:
        reason = entry.reason.strip()
        row = existing.get(entry.person.pk)
        if row is None:
            save_as(Attendance(record=record, person=entry.person, status=entry.status, reason=reason), actor)
        elif (row.status, row.reason) != (entry.status, reason):
            row.status, row.reason = entry.status, reason
            save_as(row, actor)


def _add_files(record: ActivityRecord, files: Iterable, actor) -> list[Evidence]:
    added = []
    for file in files:
        evidence = Evidence(record=record, original_name=file.name[:255], size=file.size, uploaded_by=actor)
        evidence.file.save(file.name, file, save=False)
        save_as(evidence, actor)
        added.append(evidence)
    return added


def _locked(record: ActivityRecord) -> ActivityRecord:
    """The record as it is now, read under a row lock (with its branch, which decides who may
    act): two corrections, or a correction and an archiving, do not overwrite each other. The
    whole row is read again, as the changes are compared with what is stored."""
    return (
        ActivityRecord.objects.select_for_update(of=("self",))
        .select_related("branch", "general_branch")
        .get(pk=record.pk)
    )


@transaction.atomic
def record_create(
    *,
    branch: Branch | None = None,
    general_branch: GeneralBranch | None = None,
    kind: str,
    access: Access,
    held_on: datetime.date,
    title: str,
    place: str = "",
    host: Person | None = None,
    recorder: Person | None = None,
    party_group: PartyGroup | None = None,
    content: str = "",
    published_in: str = "",
    reading_list: ReadingList | None = None,
    attendance: Iterable[AttendanceEntry] = (),
    files: Iterable = (),
    today: datetime.date | None = None,
) -> ActivityRecord:
    """Enter a record of ``branch`` (or a general branch's own, of ``general_branch``), with its
    attendance and evidence files."""
    actor = access.user
    if kind in LECTURE_KINDS:
        kind = lecture_kind(branch=branch, general_branch=general_branch, host=host, held_on=held_on)
    record = ActivityRecord(
        branch=branch,
        general_branch=general_branch,
        kind=kind,
        held_on=held_on,
        title=title.strip(),
        place=place,
        host=host,
        recorder=recorder,
        party_group=party_group,
        content=content,
        published_in=published_in,
        reading_list=reading_list,
        created_by=actor,
    )
    RECORDS.authorize(access, record, "create")
    _validate_record(record, today=today or timezone.localdate())
    files = _validate_files(files)
    save_as(record, actor)
    _write_attendance(record, attendance, actor)
    _add_files(record, files, actor)
    return record


@transaction.atomic
def record_update(
    *,
    record: ActivityRecord,
    access: Access,
    changes: Mapping[str, object],
    attendance: Iterable[AttendanceEntry] = (),
    files: Iterable = (),
    remove_evidence: Iterable[Evidence] = (),
    today: datetime.date | None = None,
) -> ActivityRecord:
    """Correct a record. The previous values stay in its history; a removed file is archived."""
    actor = access.user
    record = _locked(record)
    RECORDS.authorize(access, record, "edit")
    unknown = set(changes) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = {name: getattr(record, name) for name in RECORD_FIELDS}
    for name, value in changes.items():
        setattr(record, name, value)
    if record.kind in LECTURE_KINDS:  # who gave it decides, after a correction too
        record.kind = lecture_kind(
            branch=record.branch,
            general_branch=record.general_branch,
            host=record.host,
            held_on=record.held_on,
        )
    changed = [name for name in RECORD_FIELDS if getattr(record, name) != before[name]]
    if isinstance(record.title, str):
        record.title = record.title.strip()
    _validate_record(record, today=today or timezone.localdate())
    files = _validate_files(files)
    if changed:
        save_as(record, actor)
    _write_attendance(record, attendance, actor)
    now = timezone.now()
    for evidence in remove_evidence:
        if evidence.record_id != record.pk or evidence.archived_at is not None:
            raise ValidationError(_("This file is not attached to the record."))
        evidence.archived_at, evidence.archived_by = now, actor
        save_as(evidence, actor)
    _add_files(record, files, actor)
    return record


@transaction.atomic
def record_archive(*, record: ActivityRecord, access: Access, reason: str) -> ActivityRecord:
    """Take a record out of lists and compliance counts. It stays readable, with its history."""
    actor = access.user
    record = _locked(record)
    RECORDS.authorize(access, record, "archive")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why the record is archived.")})
    record.archived_at, record.archived_by, record.archive_reason = timezone.now(), actor, reason[:300]
    save_as(record, actor)
    return record


@transaction.atomic
def record_restore(*, record: ActivityRecord, access: Access, reason: str) -> ActivityRecord:
    """Bring an archived record back into lists and compliance counts (the branch's secretary or
    the office), with a reason; the archiving stays in the record's history."""
    actor = access.user
    record = _locked(record)
    RECORDS.authorize(access, record, "restore")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why the record is restored.")})
    record.archived_at, record.archived_by, record.archive_reason = None, None, ""
    record.restore_reason = reason[:300]
    save_as(record, actor)
    return record


@transaction.atomic
def evidence_add(*, record: ActivityRecord, access: Access, files: Iterable) -> list[Evidence]:
    RECORDS.authorize(access, record, "add_evidence")
    return _add_files(record, _validate_files(files), access.user)


# --- required frequencies ---------------------------------------------------------------------


@transaction.atomic
def required_frequencies_update(
    *,
    campaign_year,
    access: Access,
    values: Mapping[str, tuple[bool, str, int]],
    unit: str = Unit.BRANCH,
) -> list[RequiredFrequency]:
    """Set, per kind, whether it is required of ``unit`` (branches, or general branches' own
    records), per which period and how many times."""
    FREQUENCIES.authorize(access, campaign_year, "set")
    actor = access.user
    rows = {r.kind: r for r in required_frequencies_for(campaign_year=campaign_year, unit=unit)}
    for kind, (is_required, period, count) in values.items():
        if kind not in rows:
            raise ValidationError(_("No requirement can be set for this kind."))
        if period not in Period.values:
            raise ValidationError(_("Choose monthly, quarterly or yearly."))
        if count < 1:
            raise ValidationError(_("The required count is at least 1."))
        row = rows[kind]
        if (row.is_required, row.period, row.count) != (is_required, period, count):
            row.is_required, row.period, row.count = is_required, period, count
            save_as(row, actor)
    return list(rows.values())


# --- reading lists ----------------------------------------------------------------------------


@transaction.atomic
def reading_list_save(
    *,
    reading_list: ReadingList | None,
    campaign_year,
    access: Access,
    title: str,
    note: str,
    published_on: datetime.date,
    books: Iterable[Mapping[str, str]],
) -> ReadingList:
    """Publish a reading list, or correct a published one; ``books`` replaces its books
    (removed books stay in the history)."""
    actor = access.user
    if reading_list is not None:
        READING_LISTS.authorize(access, reading_list, "save")
    books = [b for b in books if (b.get("title") or "").strip()]
    if not books:
        raise ValidationError(_("A reading list names at least one book."))
    if reading_list is None:
        reading_list = ReadingList(published_by=actor)
    reading_list.campaign_year = campaign_year
    reading_list.committee_id = campaign_year.campaign.committee_id
    READING_LISTS.authorize(access, reading_list, "save")  # and the institute it now belongs to
    reading_list.title, reading_list.note, reading_list.published_on = title.strip(), note, published_on
    save_as(reading_list, actor)
    kept = []
    for n, data in enumerate(books):
        book = data.get("instance") or Book(reading_list=reading_list)
        if book.pk and book.reading_list_id != reading_list.pk:
            raise ValidationError(_("This book belongs to another list."))
        values = {
            "title": data["title"].strip(),
            "author": (data.get("author") or "").strip(),
            "note": (data.get("note") or "").strip(),
            "sort_order": n,
        }
        if not book.pk or any(getattr(book, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(book, k, v)
            save_as(book, actor)
        kept.append(book.pk)
    for book in reading_list.books.exclude(pk__in=kept):
        book._history_user = actor
        book.delete()
    return reading_list


# --- vanguard teams and research champions -----------------------------------------------------


def _check_people(branch: Branch, people: Iterable[Person | None], field: str) -> None:
    outsiders = [p.name for p in people if p is not None and p.branch_id != branch.pk]
    if outsiders:
        raise ValidationError(
            {
                field: _("Not members of %(branch)s: %(names)s.")
                % {"branch": branch.name, "names": "、".join(outsiders)}
            }
        )


def _check_year(branch: Branch, campaign_year) -> None:
    if campaign_year.campaign.committee_id != branch.committee_id:
        raise ValidationError({"campaign_year": _("This campaign year belongs to another institute.")})


@transaction.atomic
def vanguard_team_save(
    *,
    team: VanguardTeam | None,
    branch: Branch,
    campaign_year,
    access: Access,
    name: str,
    topic: str,
    leader: Person | None,
    members: Iterable[Person],
    results: str = "",
) -> VanguardTeam:
    """Create or correct a vanguard research team. Its leader and new members must be members of
    the branch; someone already in the team stays after a transfer."""
    actor = access.user
    BRANCH_WORK.authorize(access, team or VanguardTeam(branch=branch), "save")
    members = list(members)
    current = set(team.members.values_list("pk", flat=True)) if team and team.pk else set()
    _check_year(branch, campaign_year)
    if team is None or leader != team.leader:
        _check_people(branch, [leader], "leader")
    _check_people(branch, [m for m in members if m.pk not in current], "members")
    if team is None:
        team = VanguardTeam(branch=branch, created_by=actor)
    team.campaign_year, team.name, team.topic = campaign_year, name.strip(), topic.strip()
    team.leader, team.results = leader, results
    duplicate = VanguardTeam.objects.filter(branch=branch, campaign_year=campaign_year, name=team.name)
    if duplicate.exclude(pk=team.pk).exists():
        raise ValidationError({"name": _("The branch already has a team of this name this year.")})
    save_as(team, actor)
    if {m.pk for m in members} != current:
        team._history_user = actor
        team.members.set(members)
    return team


@transaction.atomic
def research_champion_save(
    *,
    champion: ResearchChampion | None,
    branch: Branch,
    campaign_year,
    access: Access,
    person: Person,
    achievement: str,
) -> ResearchChampion:
    actor = access.user
    BRANCH_WORK.authorize(access, champion or ResearchChampion(branch=branch), "save")
    _check_year(branch, campaign_year)
    if champion is None or person != champion.person:
        _check_people(branch, [person], "person")
    if not achievement.strip():
        raise ValidationError({"achievement": _("Describe the achievement.")})
    duplicate = ResearchChampion.objects.filter(campaign_year=campaign_year, person=person)
    if duplicate.exclude(pk=champion.pk if champion else None).exists():
        raise ValidationError(
            {"person": _("%(name)s is already a research champion this year.") % {"name": person.name}}
        )
    if champion is None:
        champion = ResearchChampion(branch=branch, created_by=actor)
    champion.campaign_year, champion.person, champion.achievement = campaign_year, person, achievement.strip()
    save_as(champion, actor)
    return champion
