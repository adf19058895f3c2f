"""Reports: the award list, score sheets and registers as Excel and PDF, read back."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import compute_access
from activities.models import Attendance, AttendanceStatus
from reports import registry, services
from reports.models import ReportFile

from .reports_support import approved, generate, header_and_rows, ink, pdf_fonts, pdf_text, sheet  # noqa: F401
from .test_awards_support import record, scored  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date


def test_award_list_excel_is_a_typed_sheet(institute, approved, django_capture_on_commit_callbacks):  # noqa: F811
    with translation.override("en"):
        f = generate(
            approved.office, "award_list", "xlsx", django_capture_on_commit_callbacks, year=approved.year.pk
        )
    assert f.state == ReportFile.State.DONE and f.size > 0 and f.expires_at > timezone.now()
    ws = sheet(f)
    # Title, committee, then the header: frozen below it and filtered.
    assert ws["A1"].value == "Decision on the commendations of the 2026 campaign"
    assert ws["A2"].value == institute.committee.name
    header, rows = header_and_rows(ws, 3)
    assert header == ["Title", "No.", "Name", "Unit"]
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == f"A3:D{3 + len(rows)}"
    entries = [r for r in rows if r[1] is not None]
    names = {r[2] for r in entries}
    candidates = approved.cycle.candidates.filter(removed=False).select_related("branch", "person")
    expected = {c.person.name if c.person_id else c.branch.name for c in candidates}
    assert expected and expected <= names
    assert "陈党员（科研攻关示范岗）" in names  # the model post
    assert all(isinstance(r[1], int) for r in entries)  # numbers as numbers
    sections = [r[0] for r in rows if r[1] is None]
    assert "Five-good branch" in sections and "Model post" in sections
    # A section row followed by its numbered entries, counted from 1.
    assert rows[1][1] == 1


def test_award_list_pdf_is_an_official_notice_in_chinese(
    institute, approved, tmp_path, django_capture_on_commit_callbacks
):  # noqa: F811,E501
    f = generate(
        approved.office, "award_list", "pdf", django_capture_on_commit_callbacks, year=approved.year.pk
    )
    assert f.state == ReportFile.State.DONE
    text = pdf_text(f.file.path)
    assert "二十六所党委文件" in text
    assert "关于表彰2026年度创先争优先进基层党组织和优秀共产党员的决定" in text.replace(" ", "").replace(
        "\n", ""
    )
    for c in approved.cycle.candidates.filter(removed=False).select_related("branch", "person"):
        assert (c.person.name if c.person_id else c.branch.name) in text
    assert "五个好基层党组织" in text and "党员示范岗" in text
    approved_on = timezone.localtime(approved.cycle.approved_at).date()
    assert f"{approved_on.year}年{approved_on.month}月{approved_on.day}日" in text  # the date of approval
    assert "第1页共1页" in text.replace(" ", "")
    fonts = pdf_fonts(f.file.path)
    assert "Noto-Sans-CJK-SC" in fonts and "Noto-Serif-CJK-SC" in fonts  # a real CJK font, embedded
    top, middle = ink(f.file.path, tmp_path)
    assert top > 0.005 and middle > 0.002  # text was drawn (a blank page has none)
    assert top < 0.5  # and not a page of filled boxes


def test_award_list_waits_for_approval(institute, scored):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        services.report_request(
            access=compute_access(scored.office),
            kind="award_list",
            fmt="pdf",
            params={"year": scored.year.pk},
        )
    assert "尚未批准" in refused.value.messages[0]
    assert not ReportFile.objects.exists()


def test_score_sheet_by_member_and_branch(institute, approved, django_capture_on_commit_callbacks):  # noqa: F811
    f = generate(
        approved.office,
        "score_sheet",
        "xlsx",
        django_capture_on_commit_callbacks,
        year=approved.year.pk,
        subject="branch",
    )
    ws = sheet(f)
    header, rows = header_and_rows(ws, 4)
    assert header[:3] == ["名次", "党支部", "单位类别"]
    lines = {
        line.branch.name: line
        for line in approved.cycle.run.lines.filter(kind="branch").select_related("branch")
    }
    # The general branches follow under their own heading, ranked on their branches' mean.
    heading = next(i for i, r in enumerate(rows) if r[0] == "党总支 · 取所属党支部得分的平均分")
    rows, general_rows = rows[:heading], rows[heading + 1 :]
    assert {r[1] for r in rows} == set(lines)
    general_lines = {g.general_branch.name: g for g in approved.cycle.run.general_branch_lines.all()}
    assert general_lines and {r[1] for r in general_rows} == set(general_lines)
    for row in general_rows:
        expected = general_lines[row[1]]
        assert row[0] == expected.rank and row[header.index("得分")] == pytest.approx(float(expected.total))
        assert row[header.index("资格")] == ("是" if expected.eligible else "否")
        assert set(row[3 : header.index("得分")]) == {None}  # no criterion of its own
    pdf = generate(
        approved.office,
        "score_sheet",
        "pdf",
        django_capture_on_commit_callbacks,
        year=approved.year.pk,
        subject="branch",
    )
    text = pdf_text(pdf.file.path)
    assert "取所属党支部得分的平均分" in text and all(name in text for name in general_lines)
    first = next(r for r in rows if r[1] == institute.branch.name)
    line = lines[institute.branch.name]
    total_col = header.index("得分")
    assert first[total_col] == pytest.approx(float(line.total))
    # The criterion columns add up to the rubric points (deductions subtract).
    criteria = first[3 : header.index("评分细则得分")]
    assert sum(criteria) == pytest.approx(float(line.rubric_points))
    assert isinstance(first[0], int) and isinstance(first[total_col], float)
    assert ws.cell(row=5, column=header.index("评分细则得分率") + 1).number_format == "0.0%"

    f = generate(
        approved.office,
        "score_sheet",
        "xlsx",
        django_capture_on_commit_callbacks,
        year=approved.year.pk,
        subject="member",
    )
    header, rows = header_and_rows(sheet(f), 4)
    assert header[:4] == ["名次", "姓名", "党支部", "单位类别"]
    assert institute.member.name in {r[1] for r in rows}


def test_score_sheet_of_a_secretary_holds_the_own_branch_only(
    institute, approved, django_capture_on_commit_callbacks
):  # noqa: F811,E501
    f = generate(
        institute.secretary.user,
        "score_sheet",
        "xlsx",
        django_capture_on_commit_callbacks,
        year=approved.year.pk,
        subject="branch",
    )
    _header, rows = header_and_rows(sheet(f), 4)
    assert [r[1] for r in rows] == [institute.branch.name]
    # Another branch is refused outright, not silently emptied.
    with pytest.raises(ValidationError):
        services.report_request(
            access=compute_access(institute.secretary.user),
            kind="score_sheet",
            fmt="xlsx",
            params={"year": approved.year.pk, "subject": "branch", "branch": institute.other_branch.pk},
        )


def test_score_items_pdf_lists_items_by_line(institute, approved, django_capture_on_commit_callbacks):  # noqa: F811
    f = generate(
        approved.office,
        "score_items",
        "pdf",
        django_capture_on_commit_callbacks,
        year=approved.year.pk,
        subject="branch",
        branch=institute.branch.pk,
    )
    text = pdf_text(f.file.path)
    assert institute.branch.name in text and institute.branch2.name not in text
    for item in approved.cycle.run.lines.get(kind="branch", branch=institute.branch).items.all():
        assert item.name[:6] in text


def test_activity_ledger_counts_attendance(institute, django_capture_on_commit_callbacks):
    office = institute.office.user
    meeting = record(institute.branch, "committee_meeting", D(2026, 3, 10), office)
    meeting.title = "=SUM(A1:A9)"
    meeting.save()
    Attendance.objects.create(record=meeting, person=institute.secretary, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(
        record=meeting, person=institute.member, status=AttendanceStatus.LEAVE, reason="出差"
    )
    record(institute.branch2, "news_report", D(2026, 4, 1), office)
    record(institute.branch, "news_report", D(2025, 12, 1), office)  # another year
    year = institute.campaign.years.get(year=2026)
    f = generate(
        office,
        "activity_ledger",
        "xlsx",
        django_capture_on_commit_callbacks,
        year=year.pk,
        branch=institute.branch.pk,
    )
    ws = sheet(f)
    header, rows = header_and_rows(ws, 4)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["日期"] == datetime.datetime(2026, 3, 10)  # a date, not text
    assert row["出席"] == 1 and row["请假"] == 1 and row["缺席"] == 0
    assert row["标题"] == "'=SUM(A1:A9)"  # formula neutralised
    assert ws.cell(row=5, column=header.index("日期") + 1).is_date


def test_pledge_register_and_compliance_grid(institute, scored, django_capture_on_commit_callbacks):  # noqa: F811
    office = institute.office.user
    f = generate(office, "pledge_register", "xlsx", django_capture_on_commit_callbacks, year=scored.year.pk)
    header, rows = header_and_rows(sheet(f), 4)
    assert header[0] == "党支部" and len(rows) == 3  # the branch pledge and the members'
    assert [r[2] for r in rows] == [None, institute.member.name, institute.member2.name]
    progress = header.index("完成进度")
    assert all(isinstance(r[progress], (int, float)) for r in rows)

    f = generate(office, "compliance_grid", "pdf", django_capture_on_commit_callbacks, year=scored.year.pk)
    text = pdf_text(f.file.path)
    for branch in (institute.branch, institute.branch2, institute.other_branch):
        assert branch.name in text
    assert institute.foreign_branch.name not in text


def test_pdf_refused_beyond_its_row_limit(institute, scored, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "PDF_ROW_LIMIT", 1)
    with pytest.raises(ValidationError) as refused:
        services.report_request(
            access=compute_access(institute.office.user),
            kind="pledge_register",
            fmt="pdf",
            params={"year": scored.year.pk},
        )
    assert "Excel" in refused.value.messages[0]


def test_refusals(institute, approved):  # noqa: F811
    with pytest.raises(PermissionDenied):  # a secretary does not see the award list
        services.report_request(
            access=compute_access(institute.secretary.user),
            kind="award_list",
            fmt="pdf",
            params={"year": approved.year.pk},
        )
    with pytest.raises(ValidationError):
        services.report_request(
            access=compute_access(institute.office.user), kind="no_such", fmt="pdf", params={}
        )
    with pytest.raises(ValidationError):
        services.report_request(
            access=compute_access(institute.office.user),
            kind="award_list",
            fmt="docx",
            params={"year": approved.year.pk},
        )
    foreign = institute.foreign_member  # another institute's year is not found
    with pytest.raises(ValidationError):
        services.report_request(
            access=compute_access(institute.office.user), kind="award_list", fmt="pdf", params={"year": 0}
        )
    assert not ReportFile.objects.exists() and foreign


def test_same_request_twice_is_queued_once(institute, approved):  # noqa: F811
    params = {"year": approved.year.pk}
    a = services.report_request(
        access=compute_access(approved.office), kind="award_list", fmt="xlsx", params=params
    )
    b = services.report_request(
        access=compute_access(approved.office), kind="award_list", fmt="xlsx", params=params
    )
    assert a.pk == b.pk and ReportFile.objects.count() == 1


def test_generation_rechecks_permission_in_the_worker(
    institute, approved, django_capture_on_commit_callbacks
):  # noqa: F811,E501
    secretary = institute.secretary.user
    params = {"year": approved.year.pk, "subject": "branch"}
    # No longer secretary when the worker writes it: the sheet holds no branch (a member sees
    # only the own line), rather than what the request was made with.
    with django_capture_on_commit_callbacks(execute=False):
        queued = services.report_request(
            access=compute_access(secretary), kind="score_sheet", fmt="xlsx", params=params
        )
    institute.secretary.positions.update(ended_on=D(2020, 1, 1))
    f = services.report_generate(report_file_id=queued.pk)
    assert f.state == ReportFile.State.DONE
    assert header_and_rows(sheet(f), 4)[1] == []
    # No longer allowed at all: refused, with a reason, and no file.
    queued = ReportFile.objects.create(
        requested_by=secretary, kind="score_sheet", format="xlsx", params=params, title="t"
    )
    secretary.is_active = False
    secretary.save()
    with pytest.raises(services.Refused):
        services.report_generate(report_file_id=queued.pk)
    queued.refresh_from_db()
    assert queued.state == ReportFile.State.FAILED and not queued.file and queued.error


def test_expiry_deletes_the_file_and_keeps_the_request(
    institute, approved, django_capture_on_commit_callbacks
):  # noqa: F811,E501
    f = generate(
        approved.office, "award_list", "xlsx", django_capture_on_commit_callbacks, year=approved.year.pk
    )
    path = f.file.path
    assert services.reports_expire(now=f.expires_at - datetime.timedelta(seconds=1)) == 0
    assert services.reports_expire(now=f.expires_at) == 1
    f.refresh_from_db()
    assert f.state == ReportFile.State.EXPIRED and not f.file
    import os

    assert not os.path.exists(path)


def test_every_report_is_offered_in_both_formats_from_one_table():
    assert set(registry.REPORTS) == {
        "award_list",
        "score_sheet",
        "score_items",
        "pledge_register",
        "activity_ledger",
        "compliance_grid",
        "evaluation_results",
    }
    for report in registry.REPORTS.values():
        assert set(report.formats) == {"pdf", "xlsx"} and report.permission


def test_download_only_own_file_while_permitted(
    client, institute, approved, django_capture_on_commit_callbacks
):  # noqa: F811,E501
    f = generate(
        approved.office, "award_list", "xlsx", django_capture_on_commit_callbacks, year=approved.year.pk
    )
    url = reverse("reports:download", args=[f.pk])
    client.force_login(institute.leader.user)
    assert client.get(url).status_code == 404  # someone else's file
    client.force_login(approved.office)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(".xlsx") or ".xlsx" in response["Content-Disposition"]
    status = client.get(reverse("reports:status", args=[f.pk])).json()
    assert status["state"] == "done" and status["download"] == url
    ReportFile.objects.filter(pk=f.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(url).status_code == 404


def test_centre_offers_what_the_role_may_see(client, users, institute):
    expected = {
        "staff": {"pledge_register"},
        "member": {"pledge_register", "score_sheet", "score_items"},
        "secretary": {
            "pledge_register",
            "score_sheet",
            "score_items",
            "activity_ledger",
            "compliance_grid",
            "evaluation_results",
        },
        "office": set(registry.REPORTS),
        "leader": set(registry.REPORTS),
    }
    for role, keys in expected.items():
        client.force_login(users[role])
        response = client.get(reverse("reports:centre"))
        assert response.status_code == 200
        assert {form.report.key for form in response.context["forms"]} == keys, role
    client.logout()
    assert client.get(reverse("reports:centre")).status_code == 302


def test_request_view_reports_errors_in_plain_words(client, institute, scored):  # noqa: F811
    client.force_login(institute.office.user)
    url = reverse("reports:request", args=["award_list"])
    response = client.post(url, {"award_list-year": scored.year.pk, "award_list-format": "pdf"}, follow=True)
    assert "尚未批准" in response.content.decode()
    response = client.post(url, {"award_list-year": "x", "award_list-format": "pdf"}, follow=True)
    assert response.status_code == 200 and not ReportFile.objects.exists()
    client.force_login(institute.secretary.user)
    assert (
        client.post(url, {"award_list-year": scored.year.pk, "award_list-format": "pdf"}).status_code == 403
    )
    assert client.post(reverse("reports:request", args=["nope"]), {}).status_code == 404


def test_centre_costs_the_same_with_more_files(client, institute, scored, django_assert_max_num_queries):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import BranchFactory

    client.force_login(institute.office.user)
    ReportFile.objects.create(
        requested_by=institute.office.user, kind="award_list", format="pdf", title="t", params={}
    )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:centre")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(30):
        ReportFile.objects.create(
            requested_by=institute.office.user, kind="award_list", format="pdf", title=f"t{i}", params={}
        )
        BranchFactory(committee=institute.committee, name=f"新支部{i}")
    assert count() == before <= 15


def test_evaluation_results_respect_the_ballot_threshold(
    institute, scored, django_capture_on_commit_callbacks
):  # noqa: F811,E501
    from evaluations.models import BallotCount, Evaluation, RatingCount, Target

    evaluation = Evaluation.objects.get(campaign_year=scored.year)
    few = Target.objects.create(evaluation=evaluation, branch=institute.branch2, sort_order=9)
    criterion = evaluation.criteria.get()
    RatingCount.objects.create(target=few, criterion=criterion, option="dissatisfied", count=3)
    BallotCount.objects.create(target=few, count=3)
    f = generate(
        institute.office.user,
        "evaluation_results",
        "xlsx",
        django_capture_on_commit_callbacks,
        evaluation=evaluation.pk,
    )
    header, rows = header_and_rows(sheet(f), 4)
    assert header[:3] == ["评议对象", "评议项目", "满意"]
    shown = [r for r in rows if r[0] == str(evaluation.targets.get(branch=institute.branch))]
    question = next(r for r in shown if r[1] == "班子建设好")
    assert question[2:7] == (3, 2, 1, 1, 2)
    assert question[7] == pytest.approx(5 / 7, abs=0.001)  # (满意 + 比较满意) / judged, as a fraction
    hidden = [r for r in rows if r[0] == str(few)]
    assert len(hidden) == 1 and "少于" in hidden[0][1] and hidden[0][2:] == (None,) * 6
    # A secretary of the other branch gets only that branch, still hidden below the threshold.
    f = generate(
        institute.secretary.user,
        "evaluation_results",
        "xlsx",
        django_capture_on_commit_callbacks,
        evaluation=evaluation.pk,
    )
    _header, rows = header_and_rows(sheet(f), 4)
    assert {r[0] for r in rows if r[1]} == {str(evaluation.targets.get(branch=institute.branch))}
    assert not any(str(few) in (r[0] or "") for r in rows)


def test_excel_writer_keeps_types_formats_and_text_as_typed(tmp_path):
    """The writer on its own, read back by openpyxl: numbers keep their type and format, what a
    spreadsheet would run or refuse is plain text, the header is frozen and filtered."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from reports.render.xlsx import write_xlsx
    from reports.table import Column, Section, Table, Type

    columns = [
        Column("Text"),
        Column("Int", Type.INT),
        Column("Decimal", Type.DECIMAL),
        Column("Percent", Type.PERCENT),
        Column("Date", Type.DATE, 11),
    ]
    rows = [
        ('=HYPERLINK("http://evil.example","点击")', 3, Decimal("12.50"), Decimal("57.3"), D(2026, 3, 10)),
        (Section("Group <2> & more"),),
        ("  a & b <c>\x00\x07x\r\ny ", 0, Decimal("-0.25"), 100, None),
        ("", None, float("nan"), "", ""),
        ("+1+1", "7", 12.5, 0.5, datetime.datetime(2026, 3, 10, 12, 30)),
        ("+1+1", 1234567, Decimal("0"), None, None),
    ]
    path = tmp_path / "t.xlsx"
    table = Table(
        title="=Scores: A/B [1]", subtitle=["Committee & <co>"], columns=columns, rows=iter(rows), count=6
    )
    assert write_xlsx(table, path) == 6
    ws = load_workbook(path).worksheets[0]
    assert ws.title == "=Scores- A-B -1-"  # characters Excel refuses in a sheet name replaced
    assert ws["A1"].value == "'=Scores: A/B [1]" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A2"].value == "Committee & <co>"
    header, data = header_and_rows(ws, 3)
    assert header == ["Text", "Int", "Decimal", "Percent", "Date"]
    assert ws["A3"].font.b and ws["A3"].alignment.horizontal == "center"
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:E9"
    assert ws.column_dimensions["A"].width == 12 and ws.column_dimensions["E"].width == 11
    assert data[0] == (
        "'" + rows[0][0],  # formula neutralised
        3,
        12.5,
        pytest.approx(0.573),
        datetime.datetime(2026, 3, 10),
    )
    assert isinstance(data[0][1], int) and isinstance(data[0][2], float)
    assert [ws.cell(row=4, column=c).number_format for c in range(2, 6)] == [
        "0",
        "0.00",
        "0.0%",
        "yyyy-mm-dd",
    ]
    assert data[1][0] == "Group <2> & more" and ws["A5"].font.b
    assert data[2] == ("  a & b <c>x\r\ny ", 0, -0.25, 1, None)  # control characters dropped, zero kept
    assert data[3] == (None,) * 5  # empty, not a number, no date: empty cells
    assert data[4] == ("'+1+1", 7, 12.5, 0.005, datetime.datetime(2026, 3, 10, 12, 30))
    assert data[5] == ("'+1+1", 1234567, 0, None, None)

    empty = Table(title="Empty", columns=columns, rows=iter([]), count=0)
    assert write_xlsx(empty, path) == 0
    ws = load_workbook(path).worksheets[0]
    assert ws.auto_filter.ref == "A2:E3" and ws["A2"].value == "Text"
