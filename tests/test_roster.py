"""Roster import (upload → preview → confirm) and export of members and staff."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import compute_access
from branches import roster
from branches.models import Membership, Person, RosterImport
from branches.services import SYSTEM, member_join, member_transfer

from .factories import PersonFactory, make_member

HEADERS = [column.header for column in roster.COLUMNS]
TODAY = timezone.localdate()
GOOD = {
    "employee_no": "N0001",
    "name": "新党员",
    "gender": "女",
    "birth_date": datetime.date(1990, 5, 1),
    "department": "第一事业部",
    "status": "在职",
    "post": "工程师",
    "is_member": "是",
    "branch": "第一党支部",
    "party_group": "第一党小组",
    "joined_party_on": datetime.date(2015, 7, 1),
    "positions": "",
}
STAFF_ROW = {
    **GOOD,
    "employee_no": "N0002",
    "name": "新职工",
    "gender": "男",
    "department": "",
    "is_member": "否",
    "branch": "",
    "party_group": "",
    "joined_party_on": None,
}


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # base.html uses {% static %}; the manifest storage needs collectstatic, which tests do not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def office(client, institute):
    client.force_login(institute.office.user)
    return client


def line(**values) -> list:
    values = {**GOOD, **values}
    return [values[column.key] for column in roster.COLUMNS]


def person_line(person: Person, **values) -> list:
    """The row an export would give for ``person``, with ``values`` changed."""
    return line(
        **{
            "employee_no": person.employee_no,
            "name": person.name,
            "gender": "",
            "birth_date": person.birth_date,
            "department": person.department.name if person.department else "",
            "status": "在职",
            "post": person.post,
            "is_member": "是" if person.branch_id else "否",
            "branch": person.branch.name if person.branch else "",
            "party_group": person.party_group.name if person.party_group else "",
            "joined_party_on": person.joined_party_on,
            **values,
        }
    )


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(content: bytes, name="roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=roster.XLSX_CONTENT_TYPE)


def check(institute, rows, headers=HEADERS) -> roster.RosterCheck:
    return roster.roster_check(committee=institute.committee, file=io.BytesIO(xlsx(rows, headers)))


def errors_of(result) -> list[tuple]:
    return [(error.row, error.column, error.code) for error in result.errors]


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Membership.objects.count(), Person.history.count()


def post_upload(client, content: bytes, name="roster.xlsx", **data):
    return client.post(reverse("branches:roster_import"), {"file": upload(content, name), **data})


def confirm(client, roster_import: RosterImport):
    url = reverse("branches:roster_import_preview", args=[roster_import.pk])
    digest = client.get(url).context["summary"]["digest"]
    return client.post(url, {"digest": digest}, follow=True)


def sheet_rows(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return sheet, [[cell for cell in row] for row in sheet.iter_rows()]


# The service ------------------------------------------------------------------------------------


def test_good_file_creates_people_and_memberships(institute):
    actor = institute.office.user
    roster_import = roster.roster_import_create(
        committee=institute.committee,
        file=upload(xlsx([line(), line(**STAFF_ROW)])),
        access=compute_access(actor),
    )
    assert roster_import.status == RosterImport.Status.PREVIEWED
    assert roster_import.summary["counts"]["new"] == 2

    roster.roster_import_apply(roster_import=roster_import, access=compute_access(actor))

    member = Person.objects.get(employee_no="N0001")
    assert (member.name, member.gender, member.birth_date, member.post) == (
        "新党员",
        "F",
        datetime.date(1990, 5, 1),
        "工程师",
    )
    assert (member.committee, member.department, member.branch, member.party_group) == (
        institute.committee,
        institute.department,
        institute.branch,
        institute.group,
    )
    assert member.joined_party_on == datetime.date(2015, 7, 1)
    membership = member.memberships.get()
    assert (membership.branch, membership.started_on, membership.ended_on) == (institute.branch, TODAY, None)
    assert membership.history.first().history_user == actor
    assert member.history.earliest().history_user == actor
    staff = Person.objects.get(employee_no="N0002")
    assert (staff.gender, staff.branch, staff.department, staff.joined_party_on) == ("M", None, None, None)
    assert not staff.memberships.exists()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.APPLIED
    assert roster_import.applied_at is not None


def test_invisible_characters_in_cells_are_removed_as_in_forms(institute):
    roster_import = roster.roster_import_create(
        committee=institute.committee,
        file=upload(xlsx([line(name="\u202e新\u200b党员\ufeff")])),
        access=compute_access(institute.office.user),
    )
    roster.roster_import_apply(roster_import=roster_import, access=compute_access(institute.office.user))
    assert Person.objects.get(employee_no="N0001").name == "新党员"


def test_dates_as_date_cells_or_text(institute):
    rows = [
        line(employee_no=f"D{n}", joined_party_on=value)
        for n, value in enumerate(
            [
                datetime.date(2015, 7, 1),
                datetime.datetime(2015, 7, 1),
                "2015-07-01",
                "2015/7/1",
                "'2015-07-01",
            ]
        )
    ]
    result = check(institute, rows)
    assert result.errors == []
    assert {plan.values["joined_party_on"] for plan in result.plans} == {datetime.date(2015, 7, 1)}


def test_headers_are_found_by_name_and_optional_columns_may_be_left_out(institute):
    person = institute.staff
    person.post = "技术员"
    person.save()
    headers = [
        "入党日期",
        "所在支部",
        "是否党员",
        "人员状态",
        "姓名",
        "工号",
    ]  # no 性别, 出生日期, 部门, 岗位, 党小组
    result = check(institute, [[None, "", "否", "在职", "孙职工（改）", person.employee_no]], headers=headers)
    assert result.errors == []
    summary = result.summary()
    assert summary["changed"][0]["changes"] == [["姓名", "孙职工", "孙职工（改）"]]
    assert summary["counts"]["changed"] == 1


@pytest.mark.parametrize(
    "rows, expected",
    [
        pytest.param(lambda i: [line(name="")], [(2, "姓名", "required")], id="missing name"),
        pytest.param(
            lambda i: [line(branch="不存在的支部")], [(2, "所在支部", "unknown_branch")], id="unknown branch"
        ),
        pytest.param(
            lambda i: [line(), line(name="重复")], [(3, "工号", "duplicate")], id="duplicate employee no"
        ),
        pytest.param(lambda i: [line(birth_date="1990-13-01")], [(2, "出生日期", "bad_date")], id="bad date"),
        pytest.param(lambda i: [line(birth_date="去年")], [(2, "出生日期", "bad_date")], id="date as words"),
        pytest.param(
            lambda i: [line(birth_date=32874)], [(2, "出生日期", "bad_date")], id="date as a number"
        ),
        pytest.param(
            lambda i: [line(joined_party_on=None)], [(2, "入党日期", "member_required")], id="no join date"
        ),
        pytest.param(
            lambda i: [line(branch="")], [(2, "所在支部", "member_required")], id="member without branch"
        ),
        pytest.param(
            lambda i: [line(department="不存在的部门")],
            [(2, "部门", "unknown_department")],
            id="unknown dept",
        ),
        pytest.param(
            lambda i: [line(branch="第二党支部")], [(2, "党小组", "unknown_group")], id="group not in branch"
        ),
        pytest.param(lambda i: [line(gender="M")], [(2, "性别", "bad_choice")], id="bad gender"),
        pytest.param(lambda i: [line(status="在岗")], [(2, "人员状态", "bad_choice")], id="bad status"),
        pytest.param(lambda i: [line(is_member="Y")], [(2, "是否党员", "bad_choice")], id="bad member flag"),
        pytest.param(
            lambda i: [line(joined_party_on=TODAY + datetime.timedelta(days=1))],
            [(2, "入党日期", "future_date")],
            id="future date",
        ),
        pytest.param(
            lambda i: [line(joined_party_on=datetime.date(1989, 1, 1))],
            [(2, "入党日期", "joined_before_birth")],
            id="joined before birth",
        ),
        pytest.param(lambda i: [line(name="张" * 51)], [(2, "姓名", "too_long")], id="too long"),
        pytest.param(
            lambda i: [line(is_member="否", party_group="")],
            [(2, "所在支部", "not_member")],
            id="non-member in branch",
        ),
        pytest.param(
            lambda i: [line(employee_no=i.foreign_member.employee_no)],
            [(2, "工号", "foreign_person")],
            id="person of another institute",
        ),
        pytest.param(
            lambda i: [line(branch="外所党支部", party_group="")],
            [(2, "所在支部", "unknown_branch")],
            id="branch of another institute",
        ),
        pytest.param(
            lambda i: [line(), line(employee_no="N0009", name=""), line(employee_no="N0010", gender="x")],
            [(3, "姓名", "required"), (4, "性别", "bad_choice")],
            id="every bad row is reported",
        ),
    ],
)
def test_bad_rows_give_row_column_and_code_and_write_nothing(institute, rows, expected):
    actor = institute.office.user
    before = counts()
    roster_import = roster.roster_import_create(
        committee=institute.committee, file=upload(xlsx(rows(institute))), access=compute_access(actor)
    )
    assert roster_import.status == RosterImport.Status.INVALID
    assert [(e.row, e.column, e.code) for e in roster.summary_errors(roster_import.summary)] == expected
    with pytest.raises(ValidationError) as raised:
        roster.roster_import_apply(roster_import=roster_import, access=compute_access(actor))
    assert raised.value.code == "invalid"
    assert counts() == before


def test_error_messages_name_row_and_column(institute):
    result = check(institute, [line(), line(employee_no="N0002", name="")])
    assert [error.message for error in result.errors] == ["第 3 行「姓名」：不能为空。"]
    with translation.override("en"):
        result = check(institute, [line(branch="第二党支部")])
        assert (
            result.errors[0].message
            == "Row 2, “党小组”: the branch “第二党支部” has no party group “第一党小组”."
        )


def test_formula_cells_are_refused_not_read_as_empty(institute):
    """A formula has no value in a file a script wrote (openpyxl reads it as empty): the preview
    would propose blanking the field. Refused, with the row, the column and the formula."""
    staff = institute.staff
    staff.post = "工程师"
    staff.save()
    before = counts()
    rows = [
        line(
            employee_no=staff.employee_no,
            name=staff.name,
            post="=1+1",
            branch="",
            party_group="",
            is_member="否",
        ),
        line(employee_no="N0002", name='=CONCAT("张","三")'),
    ]
    result = check(institute, rows)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "岗位", "formula"),
        (3, "姓名", "formula"),
    ]
    assert (
        result.errors[0].message
        == "第 2 行「岗位」：单元格中是公式（=1+1），不是数值；请直接填写数值（或以“只粘贴数值”方式粘贴）。"
    )
    roster_import = roster.roster_import_create(
        committee=institute.committee, file=upload(xlsx(rows)), access=compute_access(institute.office.user)
    )
    assert roster_import.status == RosterImport.Status.INVALID
    staff.refresh_from_db()
    assert staff.post == "工程师" and counts() == before


def test_archived_branch_only_where_nothing_changes(institute):
    institute.branch2.is_active = False
    institute.branch2.save()
    moving_in = check(institute, [line(branch="第二党支部", party_group="")])
    assert errors_of(moving_in) == [(2, "所在支部", "inactive_branch")]
    staying = check(institute, [person_line(institute.member2)])
    assert staying.errors == []
    assert staying.summary()["counts"]["unchanged"] == 1


def test_no_transfer_on_the_day_the_membership_began(institute):
    person = make_member(institute.branch, name="今日入党", started_on=TODAY)
    result = check(institute, [person_line(person, branch="第二党支部")])
    assert errors_of(result) == [(2, "所在支部", "membership_too_recent")]


@pytest.mark.parametrize(
    "content, name, code",
    [
        pytest.param(xlsx([line()]), "roster.csv", "bad_extension", id="wrong extension"),
        pytest.param(xlsx([line()]), "roster.xls", "bad_extension", id="old excel"),
        pytest.param("工号,姓名\nN1,张三\n".encode(), "roster.xlsx", "bad_file", id="csv renamed"),
        pytest.param(b"", "roster.xlsx", "empty", id="empty file"),  # Django's own check
    ],
)
def test_unreadable_files_are_refused_at_upload(office, content, name, code):
    before = counts()
    response = post_upload(office, content, name)
    assert response.status_code == 200
    assert response.context["form"].has_error("file", code=code)
    assert RosterImport.objects.count() == 0
    assert counts() == before


def test_zip_that_is_not_a_workbook_is_refused(office):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    response = post_upload(office, out.getvalue())
    assert response.context["form"].has_error("file", code="bad_file")


def test_too_large_file_is_refused(office, monkeypatch):
    monkeypatch.setattr(roster.read, "MAX_FILE_SIZE", 1000)
    response = post_upload(office, xlsx([line()]))
    assert response.context["form"].has_error("file", code="too_large")
    assert RosterImport.objects.count() == 0


def test_too_many_rows(institute, monkeypatch):
    monkeypatch.setattr(roster.read, "MAX_ROWS", 2)
    rows = [line(employee_no=f"N{n}", is_member="否", branch="", party_group="") for n in range(3)]
    assert errors_of(check(institute, rows)) == [(None, "", "too_many_rows")]
    assert check(institute, rows[:2]).errors == []


def test_missing_header(institute):
    headers = [h for h in HEADERS if h != "姓名"]
    result = check(
        institute, [[v for h, v in zip(HEADERS, line(), strict=True) if h != "姓名"]], headers=headers
    )
    assert errors_of(result) == [(1, "姓名", "missing_header")]
    assert result.errors[0].message == "第 1 行：缺少「姓名」列。"


def test_headers_only(institute):
    assert errors_of(check(institute, [])) == [(None, "", "empty")]


def test_blank_rows_are_skipped_and_row_numbers_kept(institute):
    result = check(institute, [[None] * len(HEADERS), line(name="")])
    assert errors_of(result) == [(3, "姓名", "required")]


# Changes to people already there ----------------------------------------------------------------


def test_transfer_leave_join_and_changes(institute):
    actor = institute.office.user
    rows = [
        person_line(institute.member, branch="第二党支部"),  # transfer
        person_line(institute.member2, is_member="否", branch="", joined_party_on=None),  # leave
        person_line(
            institute.staff, is_member="是", branch="机关党支部", joined_party_on=datetime.date(2020, 7, 1)
        ),
        person_line(institute.office, name="章瑜（改）", post="副处长"),
    ]
    roster_import = roster.roster_import_create(
        committee=institute.committee, file=upload(xlsx(rows)), access=compute_access(actor)
    )
    summary = roster_import.summary
    assert summary["transfers"] == [
        {
            "row": 2,
            "employee_no": institute.member.employee_no,
            "name": "陈党员",
            "from": "第一党支部",
            "to": "第二党支部",
            "ends": "",  # no positions to end
        }
    ]
    assert [entry["employee_no"] for entry in summary["leaves"]] == [institute.member2.employee_no]
    assert [entry["to"] for entry in summary["joins"]] == ["机关党支部"]
    changes = {entry["employee_no"]: entry["changes"] for entry in summary["changed"]}
    assert changes[institute.office.employee_no] == [["姓名", "章瑜", "章瑜（改）"], ["岗位", "", "副处长"]]
    assert changes[institute.member2.employee_no] == [["入党日期", "2010-07-01", ""]]

    roster.roster_import_apply(roster_import=roster_import, access=compute_access(actor))

    old, new = institute.member.memberships.order_by("started_on")
    assert (old.branch, old.ended_on) == (institute.branch, TODAY - datetime.timedelta(days=1))
    assert (new.branch, new.started_on, new.ended_on) == (institute.branch2, TODAY, None)
    assert new.history.first().history_user == actor
    institute.member.refresh_from_db()
    assert institute.member.branch == institute.branch2

    institute.member2.refresh_from_db()
    assert (institute.member2.branch, institute.member2.joined_party_on) == (None, None)
    assert institute.member2.memberships.get().ended_on == TODAY

    institute.staff.refresh_from_db()
    assert institute.staff.branch == institute.other_branch
    assert institute.staff.memberships.get().started_on == TODAY

    institute.office.refresh_from_db()
    assert (institute.office.name, institute.office.post) == ("章瑜（改）", "副处长")
    latest = institute.office.history.first()
    assert (latest.history_user, latest.name) == (actor, "章瑜（改）")


# The pages --------------------------------------------------------------------------------------


def test_preview_writes_nothing_and_confirm_applies(office, institute):
    before = counts()
    response = post_upload(office, xlsx([line(), line(**STAFF_ROW)]))
    roster_import = RosterImport.objects.get()
    assert response.url == reverse("branches:roster_import_preview", args=[roster_import.pk])
    assert (roster_import.committee, roster_import.uploaded_by) == (
        institute.committee,
        institute.office.user,
    )
    page = office.get(response.url)
    assert page.status_code == 200
    assert page.context["counts"]["new"] == 2
    assert page.context["can_apply"]
    assert "新党员" in page.content.decode()
    assert counts() == before

    response = confirm(office, roster_import)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.APPLIED
    assert Person.objects.count() == before[0] + 2
    assert Membership.objects.count() == before[1] + 1
    assert not response.context["can_apply"]


def test_applying_twice_does_not_apply_twice(office, institute):
    post_upload(office, xlsx([line()]))
    roster_import = RosterImport.objects.get()
    url = reverse("branches:roster_import_preview", args=[roster_import.pk])
    digest = office.get(url).context["summary"]["digest"]
    office.post(url, {"digest": digest}, follow=True)  # reads the success message
    after_first = counts()
    response = office.post(url, {"digest": digest}, follow=True)
    assert counts() == after_first
    assert [m.message for m in response.context["messages"]] == [str(roster.MESSAGES["already_applied"])]
    with pytest.raises(ValidationError):
        roster.roster_import_apply(roster_import=roster_import, access=compute_access(institute.office.user))
    assert counts() == after_first


def test_confirm_refuses_when_the_plan_changed_since_the_preview(office, institute):
    post_upload(office, xlsx([person_line(institute.member, branch="第二党支部")]))
    roster_import = RosterImport.objects.get()
    url = reverse("branches:roster_import_preview", args=[roster_import.pk])
    digest = office.get(url).context["summary"]["digest"]
    member_transfer(
        person=institute.member, branch=institute.branch2, on=TODAY, access=SYSTEM
    )  # someone else did it
    before = counts()
    response = office.post(url, {"digest": digest}, follow=True)
    assert counts() == before
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEWED
    assert [m.message for m in response.context["messages"]] == [str(roster.MESSAGES["plan_changed"])]


def test_file_that_became_invalid_is_marked_invalid_on_confirm(office, institute):
    post_upload(office, xlsx([line(branch="第二党支部", party_group="")]))
    roster_import = RosterImport.objects.get()
    url = reverse("branches:roster_import_preview", args=[roster_import.pk])
    digest = office.get(url).context["summary"]["digest"]
    institute.branch2.is_active = False
    institute.branch2.save()
    before = counts()
    office.post(url, {"digest": digest})
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.INVALID
    assert [e.code for e in roster.summary_errors(roster_import.summary)] == ["inactive_branch"]
    assert counts() == before


def test_preview_page_lists_errors(office, institute):
    before = counts()
    response = post_upload(office, xlsx([line(), line(employee_no="N0002", name="")]))
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.INVALID
    page = office.get(
        reverse("branches:roster_import_preview", args=[roster_import.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "Row 3, “姓名”: cannot be empty." in html
    assert 'data-testid="roster-confirm"' not in html
    assert response.status_code == 302
    assert counts() == before


def test_missing_header_is_shown_on_the_preview(office):
    headers = [h for h in HEADERS if h != "入党日期"]
    post_upload(office, xlsx([line()[:-1]], headers=headers))
    roster_import = RosterImport.objects.get()
    page = office.get(reverse("branches:roster_import_preview", args=[roster_import.pk]))
    assert [(e.row, e.column, e.code) for e in page.context["errors"]] == [(1, "入党日期", "missing_header")]


def test_preview_costs_fixed_queries(office, institute):
    def preview_queries(rows):
        post_upload(office, xlsx(rows))
        url = reverse("branches:roster_import_preview", args=[RosterImport.objects.latest("pk").pk])
        with CaptureQueriesContext(connection) as queries:
            assert office.get(url).status_code == 200
        return len(queries)

    few = [line(employee_no="F1"), person_line(institute.member, branch="第二党支部")]
    many = [line(employee_no=f"M{n}", name=f"人{n}") for n in range(40)] + [
        person_line(p, name=p.name + "改") for p in Person.objects.filter(committee=institute.committee)
    ]
    assert preview_queries(few) == preview_queries(many)


def test_superuser_chooses_the_committee(client, institute):
    client.force_login(institute.admin)
    response = post_upload(client, xlsx([line()]))
    assert response.context["form"].has_error("committee")
    row = line(branch="外所党支部", party_group="", department="")
    response = post_upload(client, xlsx([row]), committee=institute.other_committee.pk)
    roster_import = RosterImport.objects.get()
    assert roster_import.committee == institute.other_committee
    assert roster_import.status == RosterImport.Status.PREVIEWED
    confirm(client, roster_import)
    assert Person.objects.get(employee_no="N0001").branch == institute.foreign_branch


def test_office_defaults_to_own_committee_without_choice(office):
    response = office.get(reverse("branches:roster_import"))
    assert "committee" not in response.context["form"].fields


# Export -----------------------------------------------------------------------------------------


def test_export_reimports_with_zero_changes(office, institute):
    staff = institute.staff
    staff.birth_date, staff.gender, staff.post = datetime.date(1985, 3, 4), "F", "+86 工程师"
    staff.name = '=HYPERLINK("http://evil")'
    staff.save()
    PersonFactory(
        committee=institute.committee,
        name="离休者",
        status=Person.Status.RETIRED,
        department=institute.department,
    )
    grouped = PersonFactory(committee=institute.committee, name="小组成员")
    member_join(
        person=grouped,
        branch=institute.branch,
        party_group=institute.group,
        started_on=datetime.date(2021, 1, 1),
        joined_party_on=datetime.date(2011, 7, 1),
        access=SYSTEM,
    )

    exported = b"".join(office.get(reverse("branches:roster_export")).streaming_content)
    response = post_upload(office, exported, "export.xlsx")
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.PREVIEWED, roster_import.summary["errors"]
    counts_ = office.get(response.url).context["counts"]
    total = Person.objects.filter(committee=institute.committee).count()
    assert counts_ == {
        "new": 0,
        "changed": 0,
        "joins": 0,
        "transfers": 0,
        "leaves": 0,
        "positions": 0,  # the secretaries' 书记 goes out and comes back unchanged
        "unchanged": total,
        "rows": total,
        "errors": 0,
    }


def test_export_cells_are_typed_and_neutralised(office, institute):
    staff = institute.staff
    staff.birth_date, staff.name, staff.post = datetime.date(1985, 3, 4), "=1+1", "@SUM(A1)"
    staff.save()
    response = office.get(reverse("branches:roster_export"))
    assert response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet, rows = sheet_rows(b"".join(response.streaming_content))
    assert [cell.value for cell in rows[0]] == HEADERS
    assert rows[0][0].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{len(rows)}"
    assert sheet.column_dimensions["A"].width > 8
    by_no = {row[0].value: row for row in rows[1:]}
    row = by_no[staff.employee_no]
    assert isinstance(row[3].value, datetime.datetime) and row[3].value.date() == datetime.date(1985, 3, 4)
    assert (row[1].value, row[1].data_type) == ("'=1+1", "s")
    assert row[6].value == "'@SUM(A1)"
    assert all(cell.data_type != "f" for line_ in rows for cell in line_)
    member = by_no[institute.member.employee_no]
    assert isinstance(member[10].value, datetime.datetime)
    assert [member[7].value, member[8].value] == ["是", "第一党支部"]
    assert by_no[institute.secretary.employee_no][11].value == "书记"


def test_export_leaves_out_other_institutes(office, client, institute):
    _, rows = sheet_rows(b"".join(office.get(reverse("branches:roster_export")).streaming_content))
    numbers = {row[0].value for row in rows[1:]}
    assert institute.foreign_member.employee_no not in numbers
    assert numbers == set(
        Person.objects.filter(committee=institute.committee).values_list("employee_no", flat=True)
    )

    client.force_login(institute.admin)
    url = reverse("branches:roster_export")
    _, rows = sheet_rows(b"".join(client.get(url).streaming_content))
    assert institute.foreign_member.employee_no in {row[0].value for row in rows[1:]}
    _, rows = sheet_rows(
        b"".join(client.get(url, {"committee": institute.other_committee.pk}).streaming_content)
    )
    assert [row[0].value for row in rows[1:]] == [institute.foreign_member.employee_no]


def test_export_costs_fixed_queries(office, institute):
    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            b"".join(office.get(reverse("branches:roster_export")).streaming_content)
        return len(queries)

    few = export_queries()
    for n in range(20):
        make_member(institute.branch2, name=f"新增{n}")
    assert export_queries() == few


# Permissions ------------------------------------------------------------------------------------


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
@pytest.mark.parametrize("url_name", ["branches:roster_import", "branches:roster_export", "preview"])
def test_permissions(client, institute, users, role, status, url_name):
    if url_name == "preview":
        roster_import = roster.roster_import_create(
            committee=institute.committee, file=upload(xlsx([line()])), access=compute_access(institute.admin)
        )
        url = reverse("branches:roster_import_preview", args=[roster_import.pk])
    else:
        url = reverse(url_name)
    if users[role] is not None:
        client.force_login(users[role])
    assert client.get(url).status_code == status


@pytest.mark.parametrize("role", ["staff", "member", "secretary"])
def test_no_import_without_permission(client, users, role):
    client.force_login(users[role])
    assert post_upload(client, xlsx([line()])).status_code == 403
    assert RosterImport.objects.count() == 0


def test_another_institutes_import_is_not_found(office, institute):
    row = line(branch="外所党支部", party_group="", department="")
    roster_import = roster.roster_import_create(
        committee=institute.other_committee, file=upload(xlsx([row])), access=compute_access(institute.admin)
    )
    url = reverse("branches:roster_import_preview", args=[roster_import.pk])
    assert office.get(url).status_code == 404
    assert office.post(url, {"digest": roster_import.summary["digest"]}).status_code == 404
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEWED


# --- Who may change memberships (branches/workflow.py) -----------------------------------------


def test_transfer_and_import_are_refused_to_whom_the_workflow_refuses(institute):
    from django.core.exceptions import PermissionDenied

    secretary = compute_access(institute.secretary.user)
    with pytest.raises(PermissionDenied):
        member_transfer(person=institute.member, branch=institute.branch2, on=TODAY, access=secretary)
    office = compute_access(institute.office.user)
    with pytest.raises(PermissionDenied):  # into another institute's branch
        member_transfer(person=institute.member, branch=institute.foreign_branch, on=TODAY, access=office)
    with pytest.raises(PermissionDenied):
        roster.roster_import_create(
            committee=institute.other_committee, file=upload(xlsx([line()])), access=office
        )
    assert not RosterImport.objects.exists()
    assert Person.objects.get(pk=institute.member.pk).branch == institute.branch
