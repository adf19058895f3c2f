"""Supervision (督查): inspections and their state machine, closing evidence, random spot checks
that anyone can re-derive, quarterly rounds; the permission grid and the pages' query counts."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from accounts.models import Notification
from supervision import services
from supervision.models import Inspection, InspectionEvidence, SpotCheckDraw, SupervisionRound

from .factories import BranchFactory, make_member
from .test_supervision_support import D, inspect, pdf, sv, year_of  # noqa: F401

ALL_ROLES = [
    "anonymous",
    "staff",
    "member",
    "secretary",
    "gb_secretary",
    "other_secretary",
    "office",
    "leader",
    "admin",
]
SECRETARIES = {"secretary": 200, "gb_secretary": 200, "other_secretary": 200}
INSTITUTE = {"office": 200, "leader": 200, "admin": 200}
OFFICE = {"office": 200, "admin": 200}

# url name, args from the fixtures, answer per role (anonymous: 302 to the login; others: 403).
GRID = [
    ("supervision:inspection_list", lambda i, s: [], {**SECRETARIES, **INSTITUTE}),
    ("supervision:inspection_create", lambda i, s: [], OFFICE),
    (
        "supervision:inspection_detail",
        lambda i, s: [s.inspection.pk],
        {**SECRETARIES, "other_secretary": 404, **INSTITUTE},
    ),
    (
        "supervision:inspection_detail",
        lambda i, s: [s.other_inspection.pk],
        {**SECRETARIES, "secretary": 404, "gb_secretary": 404, **INSTITUTE},
    ),
    (
        "supervision:inspection_detail",
        lambda i, s: [s.foreign_inspection.pk],
        {
            "secretary": 404,
            "gb_secretary": 404,
            "other_secretary": 404,
            "office": 404,
            "leader": 404,
            "admin": 200,
        },
    ),
    ("supervision:inspection_edit", lambda i, s: [s.inspection.pk], OFFICE),
    ("supervision:inspection_edit", lambda i, s: [s.foreign_inspection.pk], {"office": 404, "admin": 200}),
    (
        "supervision:inspection_reply",
        lambda i, s: [s.inspection.pk],
        {"secretary": 200, "gb_secretary": 200, "other_secretary": 404},
    ),
    (
        "supervision:inspection_reply",
        lambda i, s: [s.other_inspection.pk],
        {"secretary": 404, "gb_secretary": 404, "other_secretary": 200},
    ),
    ("supervision:inspection_close", lambda i, s: [s.replied.pk], OFFICE),
    ("supervision:inspection_close", lambda i, s: [s.foreign_inspection.pk], {"office": 404, "admin": 200}),
    (
        "supervision:evidence",
        lambda i, s: [s.evidence.pk],
        {**SECRETARIES, "other_secretary": 404, **INSTITUTE},
    ),
    ("supervision:draw_list", lambda i, s: [], INSTITUTE),
    ("supervision:draw_create", lambda i, s: [], OFFICE),
    ("supervision:draw_detail", lambda i, s: [s.draw.pk], INSTITUTE),
    ("supervision:round_list", lambda i, s: [], INSTITUTE),
    ("supervision:round_create", lambda i, s: [], OFFICE),
    ("supervision:round_detail", lambda i, s: [s.round.pk], INSTITUTE),
    ("supervision:round_conclude", lambda i, s: [s.round.pk], OFFICE),
]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name, args, expected", GRID, ids=[f"{g[0]}-{n}" for n, g in enumerate(GRID)])
def test_permission_grid(client, institute, users, sv, role, name, args, expected):  # noqa: F811
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(name, args=args(institute, sv)))
    assert response.status_code == (302 if role == "anonymous" else expected.get(role, 403))
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_secretary_lists_own_inspections_only(client, institute, sv):  # noqa: F811
    client.force_login(institute.secretary.user)
    page = client.get(reverse("supervision:inspection_list")).content.decode()
    assert reverse("supervision:inspection_detail", args=[sv.inspection.pk]) in page
    assert reverse("supervision:inspection_detail", args=[sv.other_inspection.pk]) not in page
    assert reverse("supervision:inspection_detail", args=[sv.foreign_inspection.pk]) not in page


# --- the state machine ----------------------------------------------------------------------


def test_inspection_with_findings_tells_the_secretary(institute):
    inspection = inspect(institute, institute.branch)
    assert inspection.status == Inspection.Status.OPEN
    assert (
        inspection.history.count() == 1 and inspection.history.first().history_user == institute.office.user
    )
    message = Notification.objects.get(user=institute.secretary.user).message
    assert institute.branch.name in message and "2026-04-10" in message


def test_reply_then_close(institute):
    secretary, office = institute.secretary.user, institute.office.user
    inspection = inspect(institute, institute.branch)
    # The office cannot close what the branch has not answered.
    with pytest.raises(ValidationError):
        services.inspection_close(access=compute_access(office), inspection=inspection)
    inspection = services.inspection_reply(
        access=compute_access(secretary),
        inspection=inspection,
        reply="已补齐记录",
        files=[pdf(), pdf("照片.pdf")],
    )
    assert inspection.status == Inspection.Status.REPLIED
    assert inspection.replied_by == secretary and inspection.replied_at is not None
    assert sorted(e.original_name for e in inspection.evidence.all()) == ["整改报告.pdf", "照片.pdf"]
    # The stored file has a random name, never the uploaded one.
    assert "整改报告" not in inspection.evidence.first().file.name
    assert Notification.objects.filter(user=office, message__contains=institute.branch.name).exists()
    # A second reply is refused.
    with pytest.raises(ValidationError):
        services.inspection_reply(
            access=compute_access(secretary), inspection=inspection, reply="again", files=[pdf()]
        )
    inspection = services.inspection_close(
        access=compute_access(office), inspection=inspection, comment="整改到位"
    )
    assert inspection.status == Inspection.Status.CLOSED
    assert inspection.closed_by == office and inspection.office_comment == "整改到位"
    with pytest.raises(ValidationError):
        services.inspection_close(access=compute_access(office), inspection=inspection)
    assert [h.status for h in inspection.history.order_by("history_id")] == ["open", "replied", "closed"]


def test_return_reopens_with_reason_and_keeps_evidence(institute):
    secretary, office = institute.secretary.user, institute.office.user
    inspection = inspect(institute, institute.branch)
    services.inspection_reply(
        access=compute_access(secretary), inspection=inspection, reply="已整改", files=[pdf()]
    )
    with pytest.raises(ValidationError):
        services.inspection_return(access=compute_access(office), inspection=inspection, comment="  ")
    inspection = services.inspection_return(
        access=compute_access(office), inspection=inspection, comment="缺少会议记录照片"
    )
    assert inspection.status == Inspection.Status.OPEN
    assert Notification.objects.filter(user=secretary, message__contains="缺少会议记录照片").exists()
    # The second reply may rely on the evidence already given.
    inspection = services.inspection_reply(
        access=compute_access(secretary), inspection=inspection, reply="已补充说明"
    )
    assert inspection.status == Inspection.Status.REPLIED and inspection.evidence.count() == 1


def test_reply_rules(institute):
    secretary = institute.secretary.user
    inspection = inspect(institute, institute.branch)
    with pytest.raises(ValidationError) as error:
        services.inspection_reply(access=compute_access(secretary), inspection=inspection, reply="已整改")
    assert "files" in error.value.error_dict  # a deadline asks for closing evidence
    with pytest.raises(ValidationError) as error:
        services.inspection_reply(
            access=compute_access(secretary), inspection=inspection, reply=" ", files=[pdf()]
        )
    assert "reply" in error.value.error_dict
    with pytest.raises(ValidationError):  # a renamed file is refused (validate_evidence)
        services.inspection_reply(
            access=compute_access(secretary),
            inspection=inspection,
            reply="x",
            files=[pdf("fake.pdf", b"MZ\x90\x00")],
        )
    # Another branch's secretary, and the office, may not answer for the branch.
    for actor in (institute.other_secretary.user, institute.office.user):
        with pytest.raises(PermissionDenied):
            services.inspection_reply(
                access=compute_access(actor), inspection=inspection, reply="x", files=[pdf()]
            )
    assert not InspectionEvidence.objects.exists()
    # Findings without a deadline can be answered without a file.
    observation = inspect(institute, institute.branch, findings="学习资料可以更丰富", due=None)
    assert (
        services.inspection_reply(
            access=compute_access(secretary), inspection=observation, reply="已补充"
        ).status
        == "replied"
    )


def test_nothing_to_rectify_closes_at_once_and_cannot_be_answered(institute):
    office = institute.office.user
    clean = inspect(institute, institute.branch, findings="", due=None, kind=Inspection.Kind.MEETING)
    with pytest.raises(ValidationError):
        services.inspection_reply(
            access=compute_access(institute.secretary.user), inspection=clean, reply="x"
        )
    assert (
        services.inspection_close(access=compute_access(office), inspection=clean).status
        == Inspection.Status.CLOSED
    )
    assert not Notification.objects.filter(user=institute.secretary.user).exists()


def test_create_and_update_rules(institute):
    office = institute.office.user
    with pytest.raises(ValidationError):  # a deadline needs findings
        inspect(institute, institute.branch, findings="")
    with pytest.raises(ValidationError):  # and cannot be before the inspection
        inspect(institute, institute.branch, due=D(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        inspect(institute, institute.branch, actor=institute.secretary.user)
    with pytest.raises(PermissionDenied):  # another institute's branch
        inspect(institute, institute.foreign_branch)
    with pytest.raises(ValidationError):  # a branch of another institute than the year's
        inspect(institute, institute.foreign_branch, actor=institute.admin)
    planned = inspect(institute, institute.branch, findings="", due=None)
    services.inspection_update(
        access=compute_access(office),
        inspection=planned,
        findings="支部台账不规范",
        rectification_due=D(2026, 5, 1),
    )
    planned.refresh_from_db()
    assert planned.findings == "支部台账不规范"
    # Findings added later are announced like new ones.
    assert Notification.objects.filter(user=institute.secretary.user, message__contains="2026-05-01").exists()
    services.inspection_reply(
        access=compute_access(institute.secretary.user), inspection=planned, reply="已整改", files=[pdf()]
    )
    with pytest.raises(ValidationError):
        services.inspection_update(access=compute_access(office), inspection=planned, findings="改口")


def test_database_refuses_inconsistent_states(institute):
    inspection = inspect(institute, institute.branch)
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.REPLIED)  # no reply
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.CLOSED)  # no closer
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).update(findings="")  # deadline without findings


def test_reply_and_close_through_the_pages(client, institute):
    inspection = inspect(institute, institute.branch)
    client.force_login(institute.secretary.user)
    url = reverse("supervision:inspection_reply", args=[inspection.pk])
    response = client.post(url, {"reply": "已整改"})  # a deadline asks for closing evidence
    assert response.status_code == 200 and not InspectionEvidence.objects.exists()
    response = client.post(url, {"reply": "已整改", "files": [pdf(), pdf("第二份.pdf")]})
    assert response.status_code == 302
    assert InspectionEvidence.objects.filter(inspection=inspection).count() == 2
    evidence = InspectionEvidence.objects.filter(inspection=inspection).first()
    download = client.get(reverse("supervision:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]

    client.force_login(institute.office.user)
    url = reverse("supervision:inspection_close", args=[inspection.pk])
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200  # a return needs its reason
    assert client.post(url, {"decision": "close", "comment": "同意销号"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CLOSED
    page = client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).content.decode()
    assert "同意销号" in page and 'id="history"' in page


def test_office_records_an_inspection_through_the_page(client, institute):
    client.force_login(institute.office.user)
    year = year_of(institute.campaign)
    response = client.post(
        reverse("supervision:inspection_create"),
        {
            "campaign_year": year.pk,
            "branch": institute.branch.pk,
            "kind": Inspection.Kind.MEETING,
            "inspected_on": "2026-05-12",
            "subject": "组织生活会",
            "inspectors": [institute.office.pk],
            "findings": "批评与自我批评不够深入",
            "rectification_due": "2026-06-12",
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert list(inspection.inspectors.all()) == [institute.office]
    assert inspection.recorded_by == institute.office.user
    # A deadline before the inspection shows on the form.
    response = client.post(
        reverse("supervision:inspection_create"),
        {
            "campaign_year": year.pk,
            "branch": institute.branch.pk,
            "kind": Inspection.Kind.ROUTINE,
            "inspected_on": "2026-05-12",
            "findings": "x",
            "rectification_due": "2026-05-01",
        },
    )
    assert response.status_code == 200 and Inspection.objects.count() == 1


def test_overdue_filter(client, institute, sv):  # noqa: F811
    client.force_login(institute.office.user)
    page = client.get(reverse("supervision:inspection_list") + "?overdue=on").content.decode()
    # The deadline 2026-04-10 has passed (the tests run after it); the replied one is not overdue.
    assert reverse("supervision:inspection_detail", args=[sv.inspection.pk]) in page
    assert reverse("supervision:inspection_detail", args=[sv.replied.pk]) not in page


# --- random spot checks ---------------------------------------------------------------------


def test_spot_check_draw_is_reproducible(institute):
    office = institute.office.user
    year = year_of(institute.campaign)
    for n in range(5):
        BranchFactory(committee=institute.committee, name=f"抽查支部{n}")
    draw = services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=year,
        population_kind=SpotCheckDraw.Population.BRANCHES,
        sample_size=3,
    )
    draw.refresh_from_db()
    population = sorted(institute.committee.branches.filter(is_active=True).values_list("pk", flat=True))
    assert draw.population == population
    assert len(draw.seed) == 16 and int(draw.seed, 16) >= 0
    assert len(draw.result) == 3 and set(draw.result) <= set(population)
    # Anyone can re-derive it from what is stored, with plain Python.
    assert services.spot_check_redraw(draw) == draw.result
    assert random.Random(int(draw.seed, 16)).sample(draw.population, draw.sample_size) == draw.result
    # Another seed gives another sample.
    samples = {tuple(services.spot_check_sample(population, 3, f"{seed:016x}")) for seed in range(20)}
    assert len(samples) > 10
    other = f"{int(draw.seed, 16) ^ 1:016x}"
    assert services.spot_check_sample(population, 3, other) != draw.result or len(population) == 3
    # Two draws get two different seeds from the operating system.
    second = services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=year,
        population_kind=SpotCheckDraw.Population.BRANCHES,
        sample_size=3,
    )
    assert second.seed != draw.seed


def test_spot_check_draw_opens_inspections_and_page_rederives(client, institute):
    office = institute.office.user
    year = year_of(institute.campaign)
    make_member(institute.branch, name="抽样党员")
    draw = services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=year,
        population_kind=SpotCheckDraw.Population.BRANCHES,
        sample_size=2,
        purpose="三会一课落实情况",
        inspect_on=D(2026, 9, 1),
    )
    inspections = Inspection.objects.filter(draw=draw)
    assert sorted(inspections.values_list("branch_id", flat=True)) == sorted(draw.result)
    assert {i.kind for i in inspections} == {Inspection.Kind.SPOT_CHECK}
    client.force_login(institute.leader.user)
    page = client.get(reverse("supervision:draw_detail", args=[draw.pk])).content.decode()
    assert draw.seed in page and 'alert-success" data-testid="rederive"' in page
    # Tampering with the stored result shows at once.
    SpotCheckDraw.objects.filter(pk=draw.pk).update(result=[draw.result[1], draw.result[0]])
    page = client.get(reverse("supervision:draw_detail", args=[draw.pk])).content.decode()
    assert 'alert-danger" data-testid="rederive"' in page
    # Members can be sampled too, but inspections are per branch.
    members = services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=year,
        population_kind=SpotCheckDraw.Population.MEMBERS,
        sample_size=1,
    )
    assert services.spot_check_redraw(members) == members.result
    with pytest.raises(ValidationError):
        services.spot_check_draw_create(
            access=compute_access(office),
            campaign_year=year,
            population_kind=SpotCheckDraw.Population.MEMBERS,
            sample_size=1,
            inspect_on=D(2026, 9, 1),
        )
    with pytest.raises(ValidationError):
        services.spot_check_draw_create(
            access=compute_access(office),
            campaign_year=year,
            population_kind=SpotCheckDraw.Population.BRANCHES,
            sample_size=99,
        )
    with pytest.raises(PermissionDenied):
        services.spot_check_draw_create(
            access=compute_access(institute.leader.user),
            campaign_year=year,
            population_kind=SpotCheckDraw.Population.BRANCHES,
            sample_size=1,
        )


def test_draw_through_the_page(client, institute):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("supervision:draw_create"),
        {"campaign_year": year_of(institute.campaign).pk, "population_kind": "branches", "sample_size": 2},
    )
    draw = SpotCheckDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:draw_detail", args=[draw.pk]
    )
    assert draw.drawn_by == institute.office.user and draw.history.count() == 1


# --- quarterly rounds -----------------------------------------------------------------------


def test_quarterly_round_lists_each_branch_and_concludes_with_snapshot(client, institute):
    office = institute.office.user
    year = year_of(institute.campaign)
    inspect(institute, institute.branch, inspected_on=D(2026, 2, 10), due=D(2026, 3, 1))
    done = inspect(institute, institute.branch, inspected_on=D(2026, 3, 5), due=D(2026, 3, 20))
    services.inspection_reply(
        access=compute_access(institute.secretary.user), inspection=done, reply="已整改", files=[pdf()]
    )
    services.inspection_close(access=compute_access(office), inspection=done)
    inspect(institute, institute.other_branch, inspected_on=D(2026, 5, 5), due=D(2026, 6, 5))  # Q2
    supervision_round = services.supervision_round_create(
        access=compute_access(office), campaign_year=year, quarter=1
    )
    with pytest.raises(ValidationError):
        services.supervision_round_create(access=compute_access(office), campaign_year=year, quarter=1)
    assert (supervision_round.starts_on, supervision_round.ends_on) == (D(2026, 1, 1), D(2026, 3, 31))

    from supervision.selectors import round_rows

    rows = {r["branch"]: r for r in round_rows(supervision_round, today=D(2026, 11, 1))}
    assert set(rows) == {institute.branch.name, institute.branch2.name, institute.other_branch.name} | {
        b.name for b in institute.committee.branches.filter(is_active=True)
    }
    first = rows[institute.branch.name]
    assert (first["inspections"], first["findings"], first["closed"], first["open"], first["overdue"]) == (
        2,
        2,
        1,
        1,
        1,
    )
    assert rows[institute.other_branch.name]["inspections"] == 0

    client.force_login(office)
    response = client.post(
        reverse("supervision:round_conclude", args=[supervision_round.pk]), {"summary": "总体良好"}
    )
    assert response.status_code == 302
    supervision_round.refresh_from_db()
    assert supervision_round.status == SupervisionRound.Status.CONCLUDED
    snapshot = {r["branch"]: r for r in supervision_round.snapshot}
    assert snapshot[institute.branch.name]["closed"] == 1
    page = client.get(reverse("supervision:round_detail", args=[supervision_round.pk])).content.decode()
    assert "总体良好" in page and 'data-testid="round-snapshot"' in page


# --- a fixed number of queries per page -----------------------------------------------------


def _more(institute):
    """More of everything the list pages show."""
    office = institute.office.user
    year = year_of(institute.campaign)
    for n in range(3):
        branch = BranchFactory(committee=institute.committee, general_branch=institute.gb, name=f"新支部{n}")
        make_member(branch)
        inspect(institute, branch, inspectors=[institute.office, institute.leader])
        inspect(institute, institute.branch, kind=Inspection.Kind.SPOT_CHECK, findings="", due=None)
        services.spot_check_draw_create(
            access=compute_access(office),
            campaign_year=year,
            population_kind="branches",
            sample_size=2,
            inspect_on=D(2026, 10, 1),
        )
    services.supervision_round_create(access=compute_access(office), campaign_year=year, quarter=2)


PAGES = [
    ("supervision:inspection_list", lambda s: []),
    ("supervision:inspection_detail", lambda s: [s.replied.pk]),
    ("supervision:draw_list", lambda s: []),
    ("supervision:draw_detail", lambda s: [s.draw.pk]),
    ("supervision:round_list", lambda s: []),
    ("supervision:round_detail", lambda s: [s.round.pk]),
]
# The secretaries see inspections only; the office and the leading group every page.
COUNTED = [(role, *page) for role in ("office", "leader") for page in PAGES] + [
    (role, *page) for role in ("secretary", "gb_secretary") for page in PAGES[:2]
]


@pytest.mark.parametrize("role, name, args", COUNTED)
def test_page_query_count_does_not_grow(client, institute, users, sv, role, name, args):  # noqa: F811
    client.force_login(users[role])
    url = reverse(name, args=args(sv))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    count()  # warm the per-process caches (content types, translations)
    before = count()
    _more(institute)
    assert count() == before


def test_inspection_list_lists_new_rows(client, institute, sv):  # noqa: F811
    client.force_login(institute.office.user)
    _more(institute)
    page = client.get(reverse("supervision:inspection_list")).content.decode()
    assert "新支部2" in page
    assert datetime.date(2026, 3, 10).strftime("%Y-%m-%d") in page


def test_office_completes_a_drawn_spot_check_through_the_edit_page(client, institute):
    office = institute.office.user
    draw = services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=year_of(institute.campaign),
        population_kind=SpotCheckDraw.Population.BRANCHES,
        sample_size=1,
        inspect_on=D(2026, 9, 1),
    )
    inspection = draw.inspections.get()
    client.force_login(office)
    url = reverse("supervision:inspection_edit", args=[inspection.pk])
    data = {"inspected_on": "2026-09-02", "findings": "党员发展材料不全", "rectification_due": "2026-10-01"}
    # A drawn spot check stays a spot check.
    assert client.post(url, {**data, "kind": Inspection.Kind.ROUTINE}).status_code == 200
    assert client.post(url, {**data, "kind": Inspection.Kind.SPOT_CHECK}).status_code == 302
    inspection.refresh_from_db()
    assert (inspection.inspected_on, inspection.findings) == (D(2026, 9, 2), "党员发展材料不全")
    assert inspection.history.first().history_user == office
