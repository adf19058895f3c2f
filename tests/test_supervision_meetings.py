"""The office's 座谈会, 党支部书记例会 and 情况通报会: date, who attended, what was raised, and
follow-ups assigned to branches with deadlines, answered and closed like inspection findings;
bad input; permissions; fixed query counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from accounts.models import Notification
from supervision import services
from supervision.models import Inspection, SupervisionMeeting

from .factories import BranchFactory, make_secretary
from .test_supervision_support import D, pdf, year_of

pytestmark = pytest.mark.django_db


def hold(institute, *, actor=None, follow_ups=None, **kwargs):
    data = {
        "campaign_year": year_of(institute.campaign),
        "kind": SupervisionMeeting.Kind.SECRETARIES_MEETING,
        "held_on": D(2026, 4, 8),
        "subject": "第二季度党支部书记例会",
        "raised": "部分支部通讯报道不足，党小组会记录不规范。",
        "attendees": [institute.secretary, institute.other_secretary, institute.office],
        "other_attendees": "宣传干事",
        "follow_ups": (
            follow_ups
            if follow_ups is not None
            else [
                {"branch": institute.branch, "text": "补齐三月通讯报道", "due": D(2026, 4, 30)},
                {"branch": institute.other_branch, "text": "规范党小组会记录", "due": D(2026, 5, 15)},
            ]
        ),
        **kwargs,
    }
    return services.meeting_record(access=compute_access(actor or institute.office.user), **data)


def test_a_meeting_assigns_follow_ups_answered_like_findings(institute):
    meeting = hold(institute)
    assert set(meeting.attendees.values_list("name", flat=True)) == {"李书记", "赵书记", "章瑜"}
    follow_up = meeting.follow_ups.get(branch=institute.branch)
    assert follow_up.kind == "secretaries_meeting"
    assert follow_up.findings == "补齐三月通讯报道" and follow_up.rectification_due == D(2026, 4, 30)
    assert Notification.objects.filter(user=institute.secretary.user).exists()  # told to answer
    # The branch answers, the office closes: the inspection workflow as it is.
    services.inspection_reply(
        access=compute_access(institute.secretary.user), inspection=follow_up, reply="已补齐", files=[pdf()]
    )
    services.inspection_close(access=compute_access(institute.office.user), inspection=follow_up, comment="")
    assert Inspection.objects.get(pk=follow_up.pk).status == Inspection.Status.CLOSED
    # The other branch's secretary does not reach it.
    with pytest.raises(PermissionDenied):
        services.inspection_reply(
            access=compute_access(institute.other_secretary.user),
            inspection=meeting.follow_ups.get(branch=institute.branch),
            reply="x",
            files=[],
        )


@pytest.mark.parametrize("kind", ["forum", "briefing", "secretaries_meeting"])
def test_each_form_of_the_plan(institute, kind):
    meeting = hold(institute, kind=kind)
    assert set(meeting.follow_ups.values_list("kind", flat=True)) == {kind}


def test_only_the_office_records(institute):
    for user in (institute.secretary.user, institute.gb_secretary.user, institute.leader.user):
        with pytest.raises(PermissionDenied):
            hold(institute, actor=user)
    assert not SupervisionMeeting.objects.exists() and not Inspection.objects.exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"raised": " "}, "raised", "提出"),
        ({"subject": ""}, "subject", "主题"),
        ({"follow_ups": [{"branch": None, "text": "x", "due": D(2026, 5, 1)}]}, "follow_ups", "第 1 项"),
        ({"follow_ups": [{"branch": "b", "text": "整改", "due": D(2026, 4, 1)}]}, "follow_ups", "期限"),
        (
            {
                "follow_ups": [
                    {"branch": "b", "text": "一", "due": D(2026, 5, 1)},
                    {"branch": "b", "text": "二", "due": D(2026, 5, 1)},
                ]
            },
            "follow_ups",
            "第 2 项",
        ),
    ],
)
def test_bad_input_changes_nothing(institute, change, field, message):
    for item in change.get("follow_ups", []):
        if item["branch"] == "b":
            item["branch"] = institute.branch
    with pytest.raises(ValidationError) as refused:
        hold(institute, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not SupervisionMeeting.objects.exists() and not Inspection.objects.exists()


def test_a_follow_up_is_not_an_ordinary_inspection(institute):
    with pytest.raises(ValidationError):
        services.inspection_create(
            access=compute_access(institute.office.user),
            campaign_year=year_of(institute.campaign),
            branch=institute.branch,
            kind="forum",
            inspected_on=D(2026, 4, 1),
        )
    meeting = hold(institute)
    with pytest.raises(ValidationError):
        services.inspection_update(
            access=compute_access(institute.office.user),
            inspection=meeting.follow_ups.first(),
            kind=Inspection.Kind.ROUTINE,
        )


def test_the_page_records_a_meeting_and_keeps_what_was_typed_on_error(client, institute):
    client.force_login(institute.office.user)
    url = reverse("supervision:meeting_create")
    form = client.get(url).content.decode()
    assert "党支部书记例会" in form and "李书记" in form
    data = {
        "campaign_year": year_of(institute.campaign).pk,
        "kind": "forum",
        "held_on": "2026-04-08",
        "subject": "职工座谈会",
        "raised": "",
        "follow-TOTAL_FORMS": "5",
        "follow-INITIAL_FORMS": "0",
        "follow-0-branch": institute.branch.pk,
        "follow-0-text": "答复职工意见",
        "follow-0-due": "2026-05-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "答复职工意见" in response.content.decode()
    assert not SupervisionMeeting.objects.exists()
    data["follow-1-text"] = "只写了内容"
    data["raised"] = "食堂就餐排队时间长"
    response = client.post(url, data)
    assert response.status_code == 200 and "或留空" in response.content.decode()
    del data["follow-1-text"]
    response = client.post(url, data)
    meeting = SupervisionMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:meeting_detail", args=[meeting.pk]
    )
    assert meeting.follow_ups.get().findings == "答复职工意见"
    page = client.get(response["Location"]).content.decode()
    assert "食堂就餐排队时间长" in page and "第一党支部" in page


@pytest.mark.parametrize(
    "role, status",
    [
        ("staff", 403),
        ("member", 403),
        ("secretary", 403),
        ("gb_secretary", 403),
        ("office", 200),
        ("leader", 200),
        ("admin", 200),
    ],
)
def test_who_sees_the_meetings(client, institute, users, role, status):
    meeting = hold(institute)
    client.force_login(users[role])
    assert client.get(reverse("supervision:meeting_list")).status_code == status
    assert client.get(reverse("supervision:meeting_detail", args=[meeting.pk])).status_code == status
    create = client.get(reverse("supervision:meeting_create")).status_code
    assert create == (200 if role in ("office", "admin") else 403)


@pytest.mark.parametrize("name", ["list", "detail", "create"])
def test_pages_cost_the_same_however_many_meetings(client, institute, name):
    meeting = hold(institute)
    client.force_login(institute.office.user)
    url = {
        "list": reverse("supervision:meeting_list"),
        "detail": reverse("supervision:meeting_detail", args=[meeting.pk]),
        "create": reverse("supervision:meeting_create"),
    }[name]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    before = count()
    for k in range(3):
        branch = BranchFactory(committee=institute.committee, name=f"新支部{k}")
        make_secretary(branch, name=f"新书记{k}")
        hold(institute, follow_ups=[{"branch": branch, "text": "整改", "due": D(2026, 5, 1)}])
        services.inspection_create(  # and one more follow-up of the meeting shown
            access=compute_access(institute.office.user),
            campaign_year=meeting.campaign_year,
            branch=branch,
            kind=meeting.kind,
            inspected_on=meeting.held_on,
            findings="补充整改",
            rectification_due=D(2026, 5, 1),
            meeting=meeting,
        )
    assert count() == before
