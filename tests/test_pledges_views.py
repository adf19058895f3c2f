"""Pledge pages: the permission grid of every URL, query counts, and the forms end to end."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges import services
from pledges.models import Pledge, PledgeItem, ProgressEntry, ProgressEvidence

from .factories import make_campaign, make_member
from .test_pledges_support import (
    PNG,
    acc,
    make_pledge,
    member3_fixture,  # noqa: F401
    pdf,
    step,
)

pytestmark = pytest.mark.django_db

ROLES = [
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


def expect(default, **answers):
    """The answer per role: anonymous is sent to log in, the rest get ``default`` unless named."""
    return {"anonymous": 302, **dict.fromkeys(ROLES[1:], default), **answers}


@pytest.fixture
def pledges(institute, member3):
    """bp: the branch's published pledge with evidence; md: the member's draft; b2: branch2's
    submitted pledge; m3: another member's approved pledge; foreign: another institute's."""
    bp = make_pledge(institute, "branch", "published", items=2)
    entry = step(institute, bp, "progress", files=[pdf("总结.pdf")])
    md = make_pledge(institute, "member", "draft")
    b2 = make_pledge(institute, "branch", "submitted", branch=institute.branch2)
    m3 = make_pledge(institute, "member", "approved", person=member3)
    foreign_campaign = make_campaign(institute.other_committee)
    foreign = Pledge.objects.create(
        kind="branch",
        campaign_year=foreign_campaign.years.get(),
        branch=institute.foreign_branch,
        status="published",
        created_by=institute.admin,
    )
    PledgeItem.objects.create(pledge=foreign, text="外所里程碑", criterion="leadership")
    return {
        "bp": bp,
        "md": md,
        "b2": b2,
        "m3": m3,
        "foreign": foreign,
        "evidence": entry.evidence.get(),
    }


# url name, method, object key, answer per role
GRID = [
    ("pledges:list", "get", None, expect(200)),
    ("pledges:create_branch", "get", None, expect(403, secretary=200, gb_secretary=200, other_secretary=200)),
    # the member already has a draft: sent to it
    (
        "pledges:create_member",
        "get",
        None,
        expect(403, member=302, secretary=200, gb_secretary=200, other_secretary=200),
    ),
    ("pledges:detail", "get", "bp", expect(200, other_secretary=404)),
    ("pledges:detail", "get", "md", expect(404, member=200, secretary=200, gb_secretary=200)),
    ("pledges:detail", "get", "b2", expect(404, gb_secretary=200, office=200, admin=200)),
    ("pledges:detail", "get", "foreign", expect(404, admin=200)),
    ("pledges:edit", "get", "md", expect(404, member=200, secretary=403, gb_secretary=403)),
    # published: read-only for its writers (a message), not theirs for the others
    ("pledges:edit", "get", "bp", expect(403, other_secretary=404, secretary=302, gb_secretary=302)),
    ("pledges:submit", "post", "md", expect(404, member=302, secretary=403, gb_secretary=403)),
    ("pledges:submit", "get", "md", expect(404, member=405, secretary=403, gb_secretary=403)),
    ("pledges:approve", "post", "b2", expect(404, gb_secretary=403, office=302, admin=302)),
    ("pledges:return", "get", "b2", expect(404, gb_secretary=403, office=200, admin=200)),
    ("pledges:return", "get", "md", expect(404, member=403, secretary=302, gb_secretary=302)),
    ("pledges:publish", "get", "m3", expect(404, secretary=200, gb_secretary=200)),
    ("pledges:correct", "post", "bp", expect(403, other_secretary=404, secretary=302, gb_secretary=302)),
    ("pledges:progress_add", "get", "bp", expect(403, other_secretary=404, secretary=200, gb_secretary=200)),
    (
        "pledges:progress_publish",
        "get",
        "bp",
        expect(403, other_secretary=404, secretary=200, gb_secretary=200),
    ),
    ("pledges:self_assess", "get", "bp", expect(403, other_secretary=404, secretary=200, gb_secretary=200)),
    ("pledges:review", "get", "bp", expect(403, other_secretary=404, office=200, admin=200)),
    ("pledges:review", "get", "md", expect(404, member=403, secretary=302, gb_secretary=302)),
    ("pledges:evidence", "get", "evidence", expect(200, other_secretary=404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, key, expected", GRID, ids=[f"{g[0]}-{g[2]}-{g[1]}" for g in GRID])
def test_permission_grid(client, users, pledges, role, name, method, key, expected):
    if users[role] is not None:
        client.force_login(users[role])
    url = reverse(name, args=[pledges[key].pk] if key else [])
    response = getattr(client, method)(url)
    assert response.status_code == expected[role]
    if expected[role] == 302 and role == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_refused_action_explains_why(client, institute, pledges):
    """Not one's part: a 403 page saying so. The wrong moment: the pledge page with a message."""
    client.force_login(institute.gb_secretary.user)
    response = client.post(reverse("pledges:approve", args=[pledges["b2"].pk]))
    assert response.status_code == 403
    assert "pledges/refused.html" in [t.name for t in response.templates]
    client.force_login(institute.secretary.user)
    response = client.get(reverse("pledges:edit", args=[pledges["bp"].pk]))
    assert response.url == reverse("pledges:detail", args=[pledges["bp"].pk])
    assert [str(m) for m in get_messages(response.wsgi_request)]
    pledges["bp"].refresh_from_db()
    assert pledges["bp"].status == "published"


def test_evidence_is_downloaded_as_attachment(client, institute, pledges):
    client.force_login(institute.staff.user)
    response = client.get(reverse("pledges:evidence", args=[pledges["evidence"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # The stored name is random and is never linked: the page links the checked view only.
    page = client.get(reverse("pledges:detail", args=[pledges["bp"].pk])).content.decode()
    assert reverse("pledges:evidence", args=[pledges["evidence"].pk]) in page
    assert pledges["evidence"].file.name not in page and "/media/" not in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role, url",
    [
        ("member", lambda p: reverse("home")),
        ("secretary", lambda p: reverse("home")),
        ("office", lambda p: reverse("home")),
        ("staff", lambda p: reverse("home")),
        ("leader", lambda p: reverse("home")),
        ("office", lambda p: reverse("pledges:list")),
        ("staff", lambda p: reverse("pledges:list")),
        ("secretary", lambda p: reverse("pledges:detail", args=[p["bp"].pk])),
        ("staff", lambda p: reverse("pledges:detail", args=[p["bp"].pk])),
    ],
)
def test_page_query_count_does_not_grow(client, institute, users, pledges, role, url):
    # The member's own pledge is published, so that the home page shows commitments with progress.
    for action in ["submit", "approve", "publish"]:
        step(institute, pledges["md"], action)
    step(institute, pledges["md"], "progress")
    client.force_login(users[role])
    url = url(pledges)
    _count(client, url)  # warm up: session, content types
    before = _count(client, url)
    # More of everything: pledges of more members and branches, items, entries and files.
    for n in range(3):
        person = make_member(institute.branch, name=f"新党员{n}", user=True)
        pledge = make_pledge(institute, "member", "published", person=person, items=3)
        step(institute, pledge, "progress", files=[pdf(f"f{n}.pdf")])
        step(institute, pledge, "progress", percent=80, files=[pdf("g.pdf"), pdf("h.png", PNG)])
    step(institute, pledges["bp"], "progress", percent=70, files=[pdf("more.pdf")])
    step(institute, pledges["md"], "progress", percent=90, files=[pdf("more.pdf")])
    step(institute, pledges["b2"], "approve")
    assert ProgressEvidence.objects.count() >= 10
    # The office's home figures of compliance are kept per branch and recomputed, at a fixed
    # cost, by the first request after a change (activities.summary): compare like with like.
    _count(client, url)
    assert _count(client, url) == before


def test_detail_query_count_same_for_small_and_big_pledge(client, institute, member3):
    small = make_pledge(institute, "member", "published", items=2)
    step(institute, small, "progress", files=[pdf()])  # one of each kind of row
    big = make_pledge(institute, "member", "published", person=member3, items=5)
    writer = acc(member3.user)
    for n, item in enumerate(big.items.all()):
        for percent in (10, 50, 90):
            services.progress_add(
                access=writer,
                item=item,
                entered_on=datetime.date(2026, 3, 1),
                done="推进",
                percent=percent + n,
                files=[pdf(), pdf("b.png", PNG)],
            )
    client.force_login(institute.secretary.user)
    _count(client, reverse("pledges:detail", args=[small.pk]))
    assert _count(client, reverse("pledges:detail", args=[small.pk])) == _count(
        client, reverse("pledges:detail", args=[big.pk])
    )


# --- The forms, end to end --------------------------------------------------------------------


def _formset(prefix_rows, total):
    data = {
        "items-TOTAL_FORMS": str(total),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(prefix_rows):
        data.update({f"items-{n}-{k}": v for k, v in row.items()})
    return data


def test_member_writes_and_submits_own_pledge(client, institute):
    client.force_login(institute.member.user)
    form = client.get(reverse("pledges:create_member"))
    assert form.status_code == 200 and len(form.context["formset"].forms) == 5
    data = {
        "plan": "今年的具体打算",
        "direction": "努力方向",
        **_formset(
            [
                {"text": "学习一本书", "criterion": "learning"},
                {"text": "攻关一个难题", "criterion": "innovation"},
            ],
            5,
        ),
    }
    response = client.post(reverse("pledges:create_member"), data)
    pledge = Pledge.objects.get(person=institute.member)
    assert response.url == reverse("pledges:detail", args=[pledge.pk])
    assert [(i.text, i.criterion) for i in pledge.items.all()] == [
        ("学习一本书", "learning"),
        ("攻关一个难题", "innovation"),
    ]
    client.post(reverse("pledges:submit", args=[pledge.pk]))
    pledge.refresh_from_db()
    assert pledge.status == "submitted"
    assert pledge.history.first().history_user == institute.member.user


def test_member_pledge_with_one_commitment_cannot_be_submitted(client, institute):
    client.force_login(institute.member.user)
    data = {
        "plan": "打算",
        "direction": "方向",
        **_formset([{"text": "只有一条", "criterion": "service"}], 5),
    }
    client.post(reverse("pledges:create_member"), data)
    pledge = Pledge.objects.get(person=institute.member)
    response = client.post(reverse("pledges:submit", args=[pledge.pk]), follow=True)
    assert response.status_code == 200
    assert any("2" in str(m) for m in response.context["messages"])
    pledge.refresh_from_db()
    assert pledge.status == "draft"


def test_branch_pledge_form_shows_service_errors(client, institute):
    client.force_login(institute.secretary.user)
    data = {
        "branch": institute.branch.pk,
        "focus": "重点",
        "targets": "目标",
        "measures": "措施",
        **_formset(
            [
                {
                    "text": "里程碑",
                    "criterion": "leadership",
                    "due_on": "2026-06-30",
                    "responsible": institute.secretary.pk,
                }
            ],
            5,
        ),
    }
    # The responsible member must belong to the branch: the form lists them, the service checks.
    bad = {**data, "items-0-due_on": "2027-01-10"}
    response = client.post(reverse("pledges:create_branch"), bad)
    assert response.status_code == 200 and not Pledge.objects.exists()
    assert response.context["form"].non_field_errors()
    response = client.post(reverse("pledges:create_branch"), data)
    assert response.status_code == 302
    pledge = Pledge.objects.get(kind="branch")
    assert pledge.items.get().responsible == institute.secretary
    # Another branch is not offered to this secretary.
    response = client.post(reverse("pledges:create_branch"), {**data, "branch": institute.other_branch.pk})
    assert response.status_code == 200 and "branch" in response.context["form"].errors


def test_edit_keeps_removes_and_adds_items(client, institute):
    pledge = make_pledge(institute, "member", "draft", items=3)
    first, second, third = pledge.items.all()
    client.force_login(institute.member.user)
    data = {
        "plan": "新打算",
        "direction": "新方向",
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "3",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "5",
        "items-0-id": first.pk,
        "items-0-text": "第一条（改）",
        "items-0-criterion": first.criterion,
        "items-1-id": second.pk,
        "items-1-text": second.text,
        "items-1-criterion": second.criterion,
        "items-1-DELETE": "on",
        "items-2-id": third.pk,
        "items-2-text": third.text,
        "items-2-criterion": third.criterion,
        "items-3-text": "新增一条",
        "items-3-criterion": "integrity",
    }
    response = client.post(reverse("pledges:edit", args=[pledge.pk]), data)
    assert response.status_code == 302
    assert [i.text for i in pledge.items.all()] == ["第一条（改）", third.text, "新增一条"]
    assert pledge.items.get(pk=first.pk).text == "第一条（改）"
    assert PledgeItem.history.filter(id=second.pk, history_type="-").exists()  # removal recorded


def test_publish_and_review_through_the_pages(client, institute, member3):
    pledge = make_pledge(institute, "member", "approved", person=member3)
    client.force_login(institute.secretary.user)
    url = reverse("pledges:publish", args=[pledge.pk])
    response = client.post(
        url, {"occasion": "other", "published_on": datetime.date.today().isoformat(), "audience": "全体"}
    )
    assert response.status_code == 200 and "occasion_other" in response.context["form"].errors
    today = response.context["form"]["published_on"].value()
    response = client.post(
        url, {"occasion": "department_meeting", "published_on": today, "audience": "本部门职工"}
    )
    # Past the year's deadline: the secretary must confirm publishing late.
    assert response.status_code == 200 and "late_acknowledged" in response.context["form"].errors
    response = client.post(
        url,
        {
            "occasion": "department_meeting",
            "published_on": today,
            "audience": "本部门职工",
            "late_acknowledged": "on",
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "published" and pledge.published_late

    client.force_login(member3.user)
    client.post(reverse("pledges:self_assess", args=[pledge.pk]), {"self_assessment": "完成了大部分"})
    client.force_login(institute.secretary.user)
    url = reverse("pledges:review", args=[pledge.pk])
    response = client.post(url, {"assessment": "较好", "result": "partly"})
    assert response.status_code == 200 and "explanation" in response.context["form"].errors
    response = client.post(url, {"assessment": "较好", "result": "partly", "explanation": "一项推迟到明年"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "closed" and pledge.review.explanation == "一项推迟到明年"
    page = client.get(reverse("pledges:detail", args=[pledge.pk])).content.decode()
    assert "一项推迟到明年" in page and "完成了大部分" in page


def test_progress_upload_through_the_page(client, institute, monkeypatch):
    pledge = make_pledge(institute, "member", "published")
    item = pledge.items.first()
    client.force_login(institute.member.user)
    url = reverse("pledges:progress_add", args=[pledge.pk])
    form = client.get(url + f"?item={item.pk}")
    assert form.context["form"]["item"].value() == str(item.pk)
    assert 'accept=".pdf,' in form.content.decode()
    data = {"item": item.pk, "entered_on": "2026-03-10", "done": "完成调研", "percent": "30"}
    renamed = pdf("报告.pdf", b"This is a text file renamed to .pdf")
    response = client.post(url, {**data, "files": [renamed]})
    assert response.status_code == 200
    assert "报告.pdf" in str(response.context["form"].errors["files"])
    assert not ProgressEntry.objects.exists()
    response = client.post(url, {**data, "files": [pdf("报告.pdf"), pdf("现场.png", PNG)]})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert sorted(entry.evidence.values_list("original_name", flat=True)) == ["报告.pdf", "现场.png"]
    page = client.get(reverse("pledges:detail", args=[pledge.pk])).content.decode()
    assert 'aria-valuenow="30"' in page  # the item's bar
    assert 'aria-valuenow="15"' in page  # the pledge's: (30 + 0) / 2


def test_correction_page_links_both_versions(client, institute):
    v1 = make_pledge(institute, "branch", "published")
    client.force_login(institute.secretary.user)
    response = client.post(reverse("pledges:correct", args=[v1.pk]))
    v2 = Pledge.objects.get(previous=v1)
    assert response.url == reverse("pledges:edit", args=[v2.pk])
    for action in ["submit", "approve", "publish"]:
        step(institute, v2, action)
    client.force_login(institute.staff.user)
    old = client.get(reverse("pledges:detail", args=[v1.pk]))
    assert old.status_code == 200
    assert reverse("pledges:detail", args=[v2.pk]) in old.content.decode()
    listed = client.get(reverse("pledges:list")).context["pledges"]
    assert list(listed) == [v2]  # the list shows the version in force; the old one stays reachable


def test_a_first_version_lists_itself_without_a_query_until_corrected(client, institute):
    """One chain of versions per owner and year: a first version without a correction is the
    only one, listed without reading the versions (and compiling the visibility rule) again;
    once a correction is started, both are listed."""
    v1 = make_pledge(institute, "branch", "published")
    client.force_login(institute.secretary.user)
    url = reverse("pledges:detail", args=[v1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.context["versions"] == [v1]
    assert not [q for q in queries if 'ORDER BY "pledges_pledge"."version" ASC' in q["sql"]]
    client.post(reverse("pledges:correct", args=[v1.pk]))
    v2 = Pledge.objects.get(previous=v1)
    assert client.get(url).context["versions"] == [v1, v2]
    assert client.get(reverse("pledges:detail", args=[v2.pk])).context["versions"] == [v1, v2]


def test_member_home_shows_own_commitments_and_next_step(client, institute):
    client.force_login(institute.member.user)
    assert client.get(reverse("home")).context["my_next_step"] == "write"
    pledge = make_pledge(institute, "member", "returned")
    assert client.get(reverse("home")).context["my_next_step"] == "submit"
    for action in ["submit", "approve", "publish"]:
        step(institute, pledge, action)
    step(institute, pledge, "progress", percent=40)
    response = client.get(reverse("home"))
    assert response.context["my_next_step"] == "progress"
    page = response.content.decode()
    assert "承诺事项1" in page and "承诺事项2" in page and 'aria-valuenow="40"' in page


def test_staff_and_secretary_homes(client, institute, member3):
    published = make_pledge(institute, "branch", "published")
    waiting = make_pledge(institute, "member", "submitted", person=member3)
    client.force_login(institute.staff.user)
    assert list(client.get(reverse("home")).context["published_pledges"]) == [published]
    client.force_login(institute.secretary.user)
    context = client.get(reverse("home")).context
    assert context["member_pledges_waiting"] == [waiting]
    assert [(b, [p.pk for p in v]) for b, v in context["branch_pledge_rows"]] == [
        (institute.branch, [published.pk])
    ]
    b2 = make_pledge(institute, "branch", "submitted", branch=institute.branch2)
    client.force_login(institute.office.user)
    assert client.get(reverse("home")).context["branch_pledges_waiting"] == [b2]
    assert acc(institute.office.user).has("pledges.approve_branch")


def test_admin_pages_show_pledges_read_only_once_published(client, institute):
    pledge = make_pledge(institute, "member", "published")
    step(institute, pledge, "progress", files=[pdf()])
    step(institute, pledge, "self_assess")
    client.force_login(institute.admin)
    for model in ["pledge", "publication", "progressentry", "pledgereview"]:
        assert client.get(reverse(f"admin:pledges_{model}_changelist")).status_code == 200
    page = client.get(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
    assert page.status_code == 200
    assert 'name="plan"' not in page.content.decode()  # read-only
    assert client.get(reverse("admin:pledges_pledge_delete", args=[pledge.pk])).status_code == 403


def test_admin_pledge_lists_cost_the_same_queries_with_more_rows(client, institute):
    client.force_login(institute.admin)
    make_pledge(institute, "member", "published")
    make_pledge(institute, "branch", "published")

    def queries(model):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"admin:pledges_{model}_changelist")).status_code == 200
        return len(captured)

    models = ["pledge", "publication", "pledgereview"]
    before = {model: queries(model) for model in models}
    for name in ("林党员", "何党员"):
        make_pledge(
            institute, "member", "published", person=make_member(institute.branch, name=name, user=True)
        )
    make_pledge(institute, "branch", "published", branch=institute.branch2)
    assert {model: queries(model) for model in models} == before
