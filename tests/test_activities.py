"""The activity record: evidence checks, attendance rules, history kept on edit and archive,
and the record pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.access import compute_access
from activities import selectors, services
from activities.models import (
    ActivityRecord,
    Attendance,
    AttendanceStatus,
    Evidence,
    Kind,
    ReadingList,
    ResearchChampion,
    VanguardTeam,
)
from activities.services import AttendanceEntry
from branches.models import Position
from branches.services import SYSTEM, member_join
from campaigns.models import CampaignYear
from core import evidence as evidence_module

from .factories import PartyGroupFactory, PersonFactory, make_member

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DAY = datetime.date(2026, 3, 10)


def group_member(group, name):
    """A member of ``group`` (and so of its branch), joined through the service."""
    person = PersonFactory(committee=group.branch.committee, name=name)
    member_join(
        person=person,
        branch=group.branch,
        party_group=group,
        started_on=datetime.date(2020, 1, 1),
        joined_party_on=datetime.date(2010, 7, 1),
        access=SYSTEM,
    )
    person.refresh_from_db()
    return person


def pdf(name="会议记录.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def year(institute):
    return CampaignYear.objects.get(campaign=institute.campaign)


def make_record(institute, **kwargs):
    values = {
        "branch": institute.branch,
        "kind": Kind.GENERAL_MEETING,
        "access": compute_access(institute.secretary.user),
        "held_on": DAY,
        "title": "第一季度党员大会",
        "today": datetime.date(2026, 11, 1),
    }
    values.update(kwargs)
    return services.record_create(**values)


# --- evidence ---------------------------------------------------------------------------------


def refusal(file):
    with pytest.raises(ValidationError) as caught:
        record = ActivityRecord.objects.first()
        services.evidence_add(record=record, access=compute_access(record.created_by), files=[file])
    return " ".join(caught.value.messages)


def test_evidence_accepts_genuine_files(institute):
    record = make_record(institute, files=[pdf(), SimpleUploadedFile("合影.PNG", PNG)])
    names = sorted(e.original_name for e in record.evidence.all())
    assert names == ["会议记录.pdf", "合影.PNG"]
    stored = record.evidence.get(original_name="会议记录.pdf")
    # Stored under a random name in evidence/records/YYYY/MM/, not under the user's name.
    assert stored.file.name.startswith("evidence/records/") and stored.file.name.endswith(".pdf")
    assert "会议记录" not in stored.file.name
    assert stored.size == len(PDF) and stored.uploaded_by == institute.secretary.user


@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("脚本.exe", b"MZ\x90\x00"), "is not an accepted type"),
        (SimpleUploadedFile("页面.html", b"<html></html>"), "is not an accepted type"),
        (SimpleUploadedFile("没有扩展名", PDF), "is not an accepted type"),
        (SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 this is an executable"), "is not really a PDF file"),
        (SimpleUploadedFile("伪装.docx", PDF), "is not really a DOCX file"),
        (SimpleUploadedFile("空白.pdf", b""), "is empty"),
    ],
)
def test_evidence_refused_with_a_clear_message(institute, file, message):
    make_record(institute)
    with translation.override("en"):
        text = refusal(file)
    assert message in text and file.name in text
    assert Evidence.objects.count() == 0


def test_evidence_too_large_is_refused(institute, monkeypatch):
    monkeypatch.setattr(evidence_module, "MAX_SIZE", 100)
    make_record(institute)
    with translation.override("en"):
        text = refusal(pdf(content=PDF + b"0" * 200))
    assert "a file may be at most 100" in text
    assert Evidence.objects.count() == 0


def test_one_bad_file_refuses_the_whole_record(institute):
    with pytest.raises(ValidationError) as caught:
        make_record(institute, files=[pdf(), SimpleUploadedFile("伪装.pdf", b"not a pdf at all")])
    assert "files" in caught.value.error_dict
    assert ActivityRecord.objects.count() == 0 and Evidence.objects.count() == 0


def test_upload_refusal_on_the_form(client, institute, monkeypatch):
    monkeypatch.setattr(evidence_module, "MAX_SIZE", 100)
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    response = client.post(
        url,
        {
            "held_on": "2026-03-02",
            "title": "支部开展技术攻关",
            "published_in": "《26所通讯》",
            "files": [
                pdf("好文件.pdf"),
                SimpleUploadedFile("病毒.exe", b"MZ"),
                pdf("太大.pdf", PDF + b"0" * 200),
            ],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["files"])
    # Every refused file is named; the good one is not.
    assert "病毒.exe" in errors and "太大.pdf" in errors and "好文件.pdf" not in errors
    assert ActivityRecord.objects.count() == 0


def test_evidence_download_checks_permission(client, institute):
    record = make_record(institute, files=[pdf()])
    file = record.evidence.get()
    url = reverse("activities:evidence", args=[file.pk])
    client.force_login(institute.secretary.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "inline" in response["Content-Disposition"]
    client.force_login(institute.other_secretary.user)
    assert client.get(url).status_code == 404
    client.force_login(institute.member.user)
    assert client.get(url).status_code == 403


# --- attendance -------------------------------------------------------------------------------


def test_attendance_recorded_per_member(institute):
    record = make_record(
        institute,
        attendance=[
            AttendanceEntry(institute.secretary, AttendanceStatus.PRESENT),
            AttendanceEntry(institute.member, AttendanceStatus.LEAVE, "出差"),
        ],
    )
    rows = {a.person: (a.status, a.reason) for a in record.attendance.all()}
    assert rows == {institute.secretary: ("present", ""), institute.member: ("leave", "出差")}


def test_leave_needs_a_reason(institute):
    with pytest.raises(ValidationError) as caught:
        make_record(institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.LEAVE, "  ")])
    assert "attendance" in caught.value.error_dict
    assert ActivityRecord.objects.count() == 0


def test_attendance_only_for_members_of_the_branch(institute):
    with pytest.raises(ValidationError) as caught:
        make_record(institute, attendance=[AttendanceEntry(institute.member2, AttendanceStatus.PRESENT)])
    assert institute.member2.name in " ".join(caught.value.messages)
    assert ActivityRecord.objects.count() == 0


def test_group_meeting_attendance_only_for_members_of_the_group(institute):
    in_group = group_member(institute.group, "组员甲")
    with pytest.raises(ValidationError) as caught:
        make_record(
            institute,
            kind=Kind.GROUP_MEETING,
            party_group=institute.group,
            attendance=[
                AttendanceEntry(in_group, AttendanceStatus.PRESENT),
                AttendanceEntry(institute.member, AttendanceStatus.PRESENT),  # branch, not group
            ],
        )
    assert institute.member.name in " ".join(caught.value.messages)
    record = make_record(
        institute,
        kind=Kind.GROUP_MEETING,
        party_group=institute.group,
        attendance=[AttendanceEntry(in_group, AttendanceStatus.ABSENT)],
    )
    assert record.attendance.get().status == AttendanceStatus.ABSENT


def test_group_meeting_needs_a_group_of_the_branch(institute):
    with pytest.raises(ValidationError) as caught:
        make_record(institute, kind=Kind.GROUP_MEETING)
    assert "party_group" in caught.value.error_dict
    other_group = PartyGroupFactory(branch=institute.branch2)
    with pytest.raises(ValidationError) as caught:
        make_record(institute, kind=Kind.GROUP_MEETING, party_group=other_group)
    assert "party_group" in caught.value.error_dict


def test_no_record_in_the_future(institute):
    with pytest.raises(ValidationError) as caught:
        make_record(institute, held_on=datetime.date(2026, 11, 2), today=datetime.date(2026, 11, 1))
    assert "held_on" in caught.value.error_dict


def test_committee_meeting_lists_the_branch_committee(institute):
    deputy = make_member(institute.branch, name="刘委员")
    Position.objects.create(
        person=deputy,
        title=Position.Title.COMMITTEE_MEMBER,
        branch=institute.branch,
        started_on=datetime.date(2024, 1, 1),
    )
    ended = make_member(institute.branch, name="前委员")
    Position.objects.create(
        person=ended,
        title=Position.Title.COMMITTEE_MEMBER,
        branch=institute.branch,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2023, 1, 1),
    )
    people = selectors.expected_attendees(branch=institute.branch, kind=Kind.COMMITTEE_MEETING)
    assert set(people) == {institute.secretary, deputy}
    # A general meeting lists every member.
    everyone = selectors.expected_attendees(branch=institute.branch, kind=Kind.GENERAL_MEETING)
    assert {institute.secretary, deputy, ended, institute.member} <= set(everyone)
    # A branch with no committee recorded lists every member for a committee meeting.
    assert selectors.expected_attendees(branch=institute.branch2, kind=Kind.COMMITTEE_MEETING) == [
        institute.member2
    ]


# --- history: edits are kept, nothing is deleted --------------------------------------------


def test_edit_keeps_history(institute):
    record = make_record(
        institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.ABSENT)], files=[pdf()]
    )
    office_user = institute.secretary.user
    services.record_update(
        record=record,
        access=compute_access(office_user),
        changes={
            "held_on": datetime.date(2026, 3, 31),
            "kind": Kind.PARTY_CLASS,
            "title": "党课：坚定理想信念",
        },
        attendance=[AttendanceEntry(institute.member, AttendanceStatus.LEAVE, "病假")],
        remove_evidence=list(record.evidence.all()),
        today=datetime.date(2026, 11, 1),
    )
    record.refresh_from_db()
    assert (record.kind, record.held_on) == (Kind.PARTY_CLASS, datetime.date(2026, 3, 31))
    versions = list(record.history.order_by("history_date"))
    assert [v.history_type for v in versions] == ["+", "~"]
    assert (versions[0].kind, versions[0].held_on, versions[0].title) == (
        Kind.GENERAL_MEETING,
        DAY,
        "第一季度党员大会",
    )
    assert versions[1].history_user == office_user
    row = Attendance.objects.get(record=record)
    assert [(h.status, h.reason) for h in row.history.order_by("history_date")] == [
        ("absent", ""),
        ("leave", "病假"),
    ]
    # The removed file is archived, not deleted.
    file = Evidence.objects.get(record=record)
    assert file.archived_at is not None and file.archived_by == office_user
    assert file.file.storage.exists(file.file.name)


def test_unchanged_edit_writes_no_history(institute):
    record = make_record(institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.PRESENT)])
    services.record_update(
        record=record,
        access=compute_access(institute.secretary.user),
        changes={"title": record.title, "held_on": record.held_on},
        attendance=[AttendanceEntry(institute.member, AttendanceStatus.PRESENT)],
        today=datetime.date(2026, 11, 1),
    )
    assert record.history.count() == 1
    assert Attendance.history.count() == 1


def test_archive_keeps_everything(institute):
    record = make_record(
        institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.PRESENT)], files=[pdf()]
    )
    with pytest.raises(ValidationError):
        services.record_archive(record=record, access=compute_access(institute.secretary.user), reason=" ")
    services.record_archive(record=record, access=compute_access(institute.secretary.user), reason="重复录入")
    record.refresh_from_db()
    assert record.is_archived and record.archive_reason == "重复录入"
    assert record.archived_by == institute.secretary.user
    assert ActivityRecord.objects.filter(pk=record.pk).exists()
    assert record.attendance.count() == 1 and record.evidence.count() == 1
    assert [h.history_type for h in record.history.order_by("history_date")] == ["+", "~"]
    assert ActivityRecord.objects.active().count() == 0
    with pytest.raises(ValidationError):
        services.record_update(
            record=record, access=compute_access(institute.secretary.user), changes={"title": "改"}
        )


def test_archive_through_the_pages(client, institute):
    record = make_record(institute)
    client.force_login(institute.secretary.user)
    url = reverse("activities:archive", args=[record.pk])
    assert "form" in client.get(url).context
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "录错支部"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_archived
    # Gone from the list, still readable; no longer editable.
    listing = client.get(reverse("activities:list")).content.decode()
    assert record.title not in listing
    assert record.title in client.get(reverse("activities:list") + "?archived=on").content.decode()
    assert client.get(reverse("activities:detail", args=[record.pk])).status_code == 200
    assert client.get(reverse("activities:edit", args=[record.pk])).status_code == 404
    client.force_login(institute.office.user)
    page = client.get(reverse("activities:detail", args=[record.pk])).content.decode()
    assert "录错支部" in page


# --- pages ------------------------------------------------------------------------------------


def test_secretary_enters_a_general_meeting(client, institute):
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.GENERAL_MEETING])
    form_page = client.get(url)
    listed = [p for p, _s, _r in form_page.context["attendance_form"].rows()]
    assert institute.member in listed and institute.secretary in listed
    assert institute.member2 not in listed
    data = {
        "held_on": "2026-04-08",
        "title": "二季度党员大会",
        "place": "三楼会议室",
        "host": institute.secretary.pk,
        "recorder": institute.member.pk,
        "content": "学习创先争优实施方案",
        f"att-status_{institute.secretary.pk}": "present",
        f"att-reason_{institute.secretary.pk}": "",
        f"att-status_{institute.member.pk}": "leave",
        f"att-reason_{institute.member.pk}": "",
        "files": [pdf()],
    }
    response = client.post(url, data)
    assert response.status_code == 200  # leave without a reason
    assert response.context["attendance_form"].errors
    data[f"att-reason_{institute.member.pk}"] = "外出参加评审"
    data["files"] = [pdf()]
    response = client.post(url, data)
    assert response.status_code == 302
    record = ActivityRecord.objects.get()
    assert (record.kind, record.branch, record.host, record.created_by) == (
        Kind.GENERAL_MEETING,
        institute.branch,
        institute.secretary,
        institute.secretary.user,
    )
    assert record.attendance.get(person=institute.member).reason == "外出参加评审"
    page = client.get(response.url).content.decode()
    assert "外出参加评审" in page and "会议记录.pdf" in page and 'id="history"' in page


def test_news_report_form_shows_its_own_fields(client, institute):
    client.force_login(institute.secretary.user)
    response = client.get(reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT]))
    fields = set(response.context["form"].fields)
    assert {"published_in", "title", "held_on", "files"} <= fields
    assert not {"host", "recorder", "party_group"} & fields
    assert response.context["attendance_form"] is None


def test_group_meeting_needs_a_group_in_the_url(client, institute):
    PartyGroupFactory(branch=institute.branch, name="第二党小组")
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.GROUP_MEETING])
    assert client.get(url).status_code == 302  # back to the choice
    assert client.get(url + f"?group={institute.group.pk}").status_code == 200
    other = PartyGroupFactory(branch=institute.branch2)
    assert client.get(url + f"?group={other.pk}").status_code == 404


def test_edit_page_corrects_and_shows_history(client, institute):
    record = make_record(institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.PRESENT)])
    client.force_login(institute.secretary.user)
    url = reverse("activities:edit", args=[record.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["kind"].choices) >= {(Kind.GENERAL_MEETING, Kind.GENERAL_MEETING.label)}
    response = client.post(
        url,
        {
            "kind": Kind.GENERAL_MEETING,
            "held_on": "2026-03-12",
            "title": "第一季度党员大会（更正）",
            f"att-status_{institute.secretary.pk}": "present",
            f"att-status_{institute.member.pk}": "absent",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.held_on == datetime.date(2026, 3, 12)
    assert record.attendance.get(person=institute.member).status == "absent"
    assert record.attendance.get(person=institute.secretary).status == "present"
    page = client.get(reverse("activities:detail", args=[record.pk]))
    assert len(page.context["history"]) == 2
    assert page.context["attendance_changes"][0]["record"].status == "absent"


def test_list_filters_by_kind_and_month(client, institute):
    make_record(institute, title="一月大会", held_on=datetime.date(2026, 1, 31))
    make_record(institute, kind=Kind.NEWS_REPORT, title="二月通讯", held_on=datetime.date(2026, 2, 1))
    client.force_login(institute.secretary.user)
    url = reverse("activities:list")
    titles = lambda r: [x.title for x in r.context["records"]]  # noqa: E731
    assert titles(client.get(url)) == ["二月通讯", "一月大会"]
    assert titles(client.get(url, {"month": "2026-01"})) == ["一月大会"]
    assert titles(client.get(url, {"kind": Kind.NEWS_REPORT})) == ["二月通讯"]


# --- reading lists, vanguard teams, champions -----------------------------------------------


def test_office_publishes_a_reading_list_and_branches_see_it(client, institute, year):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("activities:reading_list_create"),
        {
            "campaign_year": year.pk,
            "title": "2026年推荐书目",
            "published_on": "2026-03-01",
            "note": "",
            "books-TOTAL_FORMS": "2",
            "books-INITIAL_FORMS": "0",
            "books-MIN_NUM_FORMS": "0",
            "books-MAX_NUM_FORMS": "100",
            "books-0-title": "创新者的窘境",
            "books-0-author": "克里斯坦森",
            "books-1-title": "",
        },
    )
    assert response.status_code == 302
    reading_list = ReadingList.objects.get()
    assert reading_list.committee == institute.committee
    assert [b.title for b in reading_list.books.all()] == ["创新者的窘境"]
    client.force_login(institute.other_secretary.user)
    assert "创新者的窘境" in client.get(reverse("activities:reading_lists")).content.decode()
    # A reading session names the list.
    record = make_record(
        institute,
        kind=Kind.READING_SESSION,
        title="集中学习",
        reading_list=reading_list,
        branch=institute.branch,
    )
    assert record.reading_list == reading_list


def test_vanguard_team_members_must_be_of_the_branch(institute, year):
    with pytest.raises(ValidationError) as caught:
        services.vanguard_team_save(
            team=None,
            branch=institute.branch,
            campaign_year=year,
            access=compute_access(institute.secretary.user),
            name="微波组件攻关团队",
            topic="小型化",
            leader=institute.secretary,
            members=[institute.member, institute.member2],
        )
    assert institute.member2.name in " ".join(caught.value.messages)
    team = services.vanguard_team_save(
        team=None,
        branch=institute.branch,
        campaign_year=year,
        access=compute_access(institute.secretary.user),
        name="微波组件攻关团队",
        topic="小型化",
        leader=institute.secretary,
        members=[institute.member],
    )
    services.vanguard_team_save(
        team=team,
        branch=institute.branch,
        campaign_year=year,
        access=compute_access(institute.secretary.user),
        name=team.name,
        topic=team.topic,
        leader=team.leader,
        members=[institute.member, institute.secretary],
        results="完成样机",
    )
    team.refresh_from_db()
    assert set(team.members.all()) == {institute.member, institute.secretary}
    assert team.history.count() >= 2
    assert VanguardTeam.objects.count() == 1


def test_research_champion_once_a_year(client, institute, year):
    client.force_login(institute.secretary.user)
    url = reverse("activities:champion_create")
    data = {
        "branch": institute.branch.pk,
        "campaign_year": year.pk,
        "person": institute.member.pk,
        "achievement": "突破关键工艺",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    assert ResearchChampion.objects.count() == 1
    # Another branch's member cannot be named.
    response = client.post(url, {**data, "person": institute.other_member.pk})
    assert response.status_code == 200


def test_history_shows_names_and_labels(client, institute, year):
    record = make_record(institute, host=institute.secretary)
    services.record_update(
        record=record,
        access=compute_access(institute.secretary.user),
        changes={"host": institute.member, "kind": Kind.PARTY_CLASS},
        today=datetime.date(2026, 11, 1),
    )
    team = services.vanguard_team_save(
        team=None,
        branch=institute.branch,
        campaign_year=year,
        access=compute_access(institute.secretary.user),
        name="攻关团队",
        topic="课题",
        leader=None,
        members=[institute.member],
    )
    services.vanguard_team_save(
        team=team,
        branch=institute.branch,
        campaign_year=year,
        access=compute_access(institute.secretary.user),
        name="攻关团队",
        topic="课题",
        leader=None,
        members=[institute.member, institute.secretary],
    )
    client.force_login(institute.secretary.user)
    with translation.override("en"):
        page = client.get(reverse("activities:detail", args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en")
        changes = {
            str(label): (str(old), str(new)) for label, old, new in page.context["history"][0]["changes"]
        }
        assert changes["host or speaker"] == (institute.secretary.name, institute.member.name)
        assert changes["kind"] == ("Branch general meeting", "Party class")
    with translation.override("en"):
        # The labels are put in words by the request, in the reader's language.
        team_page = client.get(reverse("activities:team_detail", args=[team.pk]), HTTP_ACCEPT_LANGUAGE="en")
        members = [
            c for row in team_page.context["history"] for c in row["changes"] if str(c[0]) == "members"
        ]
    _label, old, new = members[0]
    assert old == institute.member.name
    assert set(new.split("、")) == {institute.member.name, institute.secretary.name}


def test_leading_group_sees_counts_not_names(client, institute):
    record = make_record(
        institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.LEAVE, "出差")]
    )
    client.force_login(institute.leader.user)
    page = client.get(reverse("activities:detail", args=[record.pk])).content.decode()
    assert record.title in page and institute.member.name not in page
    client.force_login(institute.office.user)
    assert (
        institute.member.name in client.get(reverse("activities:detail", args=[record.pk])).content.decode()
    )


def test_admin_pages(client, institute, year):
    record = make_record(
        institute, attendance=[AttendanceEntry(institute.member, AttendanceStatus.PRESENT)], files=[pdf()]
    )
    selectors.required_frequencies_for(campaign_year=year)
    client.force_login(institute.admin)
    for model in ("activityrecord", "readinglist", "requiredfrequency", "vanguardteam", "researchchampion"):
        assert client.get(reverse(f"admin:activities_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:activities_activityrecord_change", args=[record.pk])).status_code == 200
    response = client.get(reverse("admin:activities_activityrecord_delete", args=[record.pk]))
    assert response.status_code == 403


def test_services_refuse_whom_the_workflow_refuses(institute, year):
    """Every write service asks the workflow itself: a view's check is not trusted."""
    record = make_record(institute)
    other = compute_access(institute.other_secretary.user)  # the secretary of another branch
    secretary = compute_access(institute.secretary.user)  # not the campaign office
    calls = [
        lambda: make_record(institute, access=other),
        lambda: services.record_update(record=record, access=other, changes={"title": "改"}),
        lambda: services.record_archive(record=record, access=other, reason="重复"),
        lambda: services.evidence_add(record=record, access=other, files=[pdf()]),
        lambda: services.required_frequencies_update(campaign_year=year, access=secretary, values={}),
        lambda: services.reading_list_save(
            reading_list=None,
            campaign_year=year,
            access=secretary,
            title="书目",
            note="",
            published_on=DAY,
            books=[{"title": "红岩"}],
        ),
        lambda: services.vanguard_team_save(
            team=None,
            branch=institute.branch,
            campaign_year=year,
            access=other,
            name="团队",
            topic="课题",
            leader=None,
            members=[],
        ),
        lambda: services.research_champion_save(
            champion=None,
            branch=institute.branch,
            campaign_year=year,
            access=other,
            person=institute.member,
            achievement="成果",
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    record.refresh_from_db()
    assert record.title == "第一季度党员大会" and not record.is_archived and record.evidence.count() == 0
