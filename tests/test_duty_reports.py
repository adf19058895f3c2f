"""述职述廉 and 实绩考核: the office sets the year's form; each branch and general-branch
secretary writes and submits a duty report with its integrity part and attachments; the office
records the assessment meeting and grades each report with a comment (final, reopened with a
reason); a satisfaction rating is an evaluation of the evaluations app; bad input; permissions;
fixed query counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from duties import services
from duties.models import DutyReport

from .factories import BranchFactory, make_secretary
from .test_duty_reports_support import D, set_form, submitted_report, year_of

pytestmark = pytest.mark.django_db


def office(institute):
    return compute_access(institute.office.user)


def test_a_report_from_draft_to_grade_seen_by_the_secretary(client, institute):
    report = submitted_report(institute)
    assert report.status == DutyReport.Status.SUBMITTED and report.attachments.count() == 1
    meeting = services.meeting_record(
        access=office(institute),
        campaign_year=year_of(institute),
        held_on=D(2026, 12, 28),
        assessors=[institute.leader, institute.office],
    )
    services.report_grade(
        access=office(institute), report=report, meeting=meeting, grade="good", comment="职责履行到位"
    )
    client.force_login(institute.secretary.user)
    page = client.get(reverse("duties:detail", args=[report.pk])).content.decode()
    result = page.split('data-testid="duty-result"')[1].split("</div></div>")[0]
    assert "好" in result and "职责履行到位" in result and "江波" in result and "2026-12-28" in result
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="duties-home"' in home and "第一党支部" in home


def test_a_general_branch_secretary_reports_on_the_general_branch(institute):
    report = submitted_report(institute, secretary=institute.gb_secretary, unit=institute.gb)
    assert report.general_branch == institute.gb and report.branch is None


def test_submitting_without_the_integrity_part_is_refused_and_nothing_changes(institute):
    set_form(institute)
    access = compute_access(institute.secretary.user)
    report = services.report_start(access=access, campaign_year=year_of(institute), unit=institute.branch)
    with pytest.raises(ValidationError) as refused:
        services.report_save(access=access, report=report, duty="述职", integrity=" ", submit=True)
    assert "述廉" in " ".join(refused.value.message_dict["integrity"])
    assert DutyReport.objects.get(pk=report.pk).status == DutyReport.Status.DRAFT


def test_no_report_before_the_office_sets_the_form(institute):
    with pytest.raises(ValidationError, match="尚未设置"):
        services.report_start(
            access=compute_access(institute.secretary.user),
            campaign_year=year_of(institute),
            unit=institute.branch,
        )
    assert not DutyReport.objects.exists()


def test_only_the_units_secretary_reports_and_only_the_office_grades(institute):
    set_form(institute)
    with pytest.raises(PermissionDenied):
        services.report_start(
            access=compute_access(institute.other_secretary.user),
            campaign_year=year_of(institute),
            unit=institute.branch,
        )
    report = submitted_report(institute)
    meeting = services.meeting_record(
        access=office(institute),
        campaign_year=year_of(institute),
        held_on=D(2026, 12, 28),
        assessors=[institute.leader],
    )
    for user in (institute.secretary.user, institute.leader.user):
        with pytest.raises(PermissionDenied):
            services.report_grade(
                access=compute_access(user), report=report, meeting=meeting, grade="good", comment="好"
            )
    assert DutyReport.objects.get(pk=report.pk).grade == ""


def test_a_grade_needs_a_meeting_a_grade_and_a_comment_and_is_reopened_with_a_reason(institute):
    report = submitted_report(institute)
    with pytest.raises(ValidationError) as refused:
        services.report_grade(access=office(institute), report=report, meeting=None, grade="best", comment="")
    assert set(refused.value.message_dict) == {"meeting", "grade", "comment"}
    meeting = services.meeting_record(
        access=office(institute),
        campaign_year=year_of(institute),
        held_on=D(2026, 12, 28),
        assessors=[institute.leader],
    )
    services.report_grade(
        access=office(institute), report=report, meeting=meeting, grade="fair", comment="一般"
    )
    with pytest.raises(ValidationError):
        services.report_reopen(access=office(institute), report=report, reason="")
    assert DutyReport.objects.get(pk=report.pk).grade == "fair"
    services.report_reopen(access=office(institute), report=report, reason="评议会记录有误")
    report.refresh_from_db()
    assert (
        report.status == DutyReport.Status.SUBMITTED
        and report.grade == ""
        and report.reason == "评议会记录有误"
    )
    assert report.history.filter(grade="fair").exists()  # the grade taken back stays in the history


def test_the_satisfaction_rating_is_an_evaluation_of_the_secretary_by_the_unit(institute):
    report = submitted_report(institute)
    services.report_rate(
        access=office(institute), report=report, opens_on=D(2026, 12, 1), closes_on=D(2026, 12, 31)
    )
    evaluation = DutyReport.objects.get(pk=report.pk).evaluation
    assert evaluation is not None and evaluation.status == "draft"
    assert [t.person for t in evaluation.targets.all()] == [institute.secretary]
    assert (
        institute.branch in evaluation.voter_branches.all()
        and institute.department in evaluation.voter_departments.all()
    )
    with pytest.raises(ValidationError):  # once
        services.report_rate(
            access=office(institute),
            report=DutyReport.objects.get(pk=report.pk),
            opens_on=D(2026, 12, 1),
            closes_on=D(2026, 12, 31),
        )


@pytest.mark.parametrize(
    "role, status",
    [
        ("staff", 403),
        ("member", 403),
        ("secretary", 200),
        ("gb_secretary", 404),
        ("other_secretary", 404),
        ("office", 200),
        ("leader", 200),
        ("admin", 200),
    ],
)
def test_who_sees_a_report(client, institute, users, role, status):
    report = submitted_report(institute)
    client.force_login(users[role])
    assert client.get(reverse("duties:detail", args=[report.pk])).status_code == status


def test_the_secretary_writes_through_the_page_and_keeps_the_text_on_error(client, institute):
    set_form(institute)
    client.force_login(institute.secretary.user)
    response = client.post(
        reverse("duties:start"), {"year": year_of(institute).pk, "unit": f"branch-{institute.branch.pk}"}
    )
    report = DutyReport.objects.get()
    assert response["Location"] == reverse("duties:edit", args=[report.pk])
    response = client.post(
        reverse("duties:edit", args=[report.pk]), {"duty": "组织党课两次", "integrity": "", "step": "submit"}
    )
    assert response.status_code == 200 and "组织党课两次" in response.content.decode()
    assert DutyReport.objects.get().status == DutyReport.Status.DRAFT
    client.post(
        reverse("duties:edit", args=[report.pk]),
        {"duty": "组织党课两次", "integrity": "廉洁", "step": "submit"},
    )
    assert DutyReport.objects.get().status == DutyReport.Status.SUBMITTED


@pytest.mark.parametrize("name", ["list", "detail"])
def test_pages_cost_the_same_however_many_reports(client, institute, name):
    report = submitted_report(institute)
    client.force_login(institute.office.user)
    url = reverse("duties:list") if name == "list" else reverse("duties:detail", args=[report.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    before = count()
    for k in range(3):
        branch = BranchFactory(committee=institute.committee, name=f"新支部{k}")
        submitted_report(institute, secretary=make_secretary(branch, name=f"新书记{k}"), unit=branch)
    assert count() == before
