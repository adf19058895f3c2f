"""Correcting a recorded 座谈会, 党支部书记例会 or 情况通报会: the office changes the date, who
attended, what was raised and the follow-ups not yet answered, with a reason; the record as it
was stays in the history (one version per correction, who and when) and the page shows the
corrections in words; a follow-up a branch has answered stays as it is."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from accounts.models import Notification
from supervision import services
from supervision.models import Inspection, SupervisionMeeting
from supervision.services.meetings import meeting_correct

from .factories import BranchFactory, make_secretary
from .test_supervision_meetings import hold
from .test_supervision_support import D, pdf

pytestmark = pytest.mark.django_db


def answered(institute, meeting):
    """第一党支部 answers its follow-up."""
    follow_up = meeting.follow_ups.get(branch=institute.branch)
    services.inspection_reply(
        access=compute_access(institute.secretary.user), inspection=follow_up, reply="已补齐", files=[pdf()]
    )
    return follow_up


def correction(institute, meeting, **changes):
    other = meeting.follow_ups.get(branch=institute.other_branch)
    data = {
        "held_on": D(2026, 4, 9),
        "subject": meeting.subject,
        "raised": "部分支部通讯报道不足；党小组会记录不规范；书记讲党课未排期。",
        "attendees": [institute.secretary, institute.other_secretary, institute.office, institute.leader],
        "other_attendees": "",
        "follow_ups": [{"inspection": other, "text": "规范党小组会记录并报送样本", "due": D(2026, 5, 20)}],
        "reason": "会议实为4月9日召开，补记江波出席",
        **changes,
    }
    return meeting_correct(access=compute_access(institute.office.user), meeting=meeting, **data)


def test_the_office_corrects_a_meeting_and_the_answered_follow_up_stays(institute):
    meeting = hold(institute)
    done = answered(institute, meeting)
    versions = meeting.history.count()
    correction(institute, meeting)

    meeting = SupervisionMeeting.objects.get(pk=meeting.pk)
    assert meeting.held_on == D(2026, 4, 9) and "书记讲党课" in meeting.raised
    assert set(meeting.attendees.values_list("name", flat=True)) == {"李书记", "赵书记", "章瑜", "江波"}
    assert meeting.other_attendees == ""
    # One version for the correction (fields and attendees together), with who and why.
    assert meeting.history.count() == versions + 1
    latest = meeting.history.first()
    assert latest.history_change_reason == "会议实为4月9日召开，补记江波出席"
    assert latest.history_user == institute.office.user
    # The open follow-up follows the correction and its branch is told; the answered one stays.
    other = meeting.follow_ups.get(branch=institute.other_branch)
    assert other.findings == "规范党小组会记录并报送样本" and other.rectification_due == D(2026, 5, 20)
    assert other.inspected_on == D(2026, 4, 9)
    assert Notification.objects.filter(user=institute.other_secretary.user, message__contains="更正").exists()
    # The same correction sent again (Back and resubmit, a double click) changes nothing.
    with pytest.raises(ValidationError, match="没有任何改动"):
        correction(institute, meeting)
    assert meeting.history.count() == versions + 1
    kept = Inspection.objects.get(pk=done.pk)
    assert (kept.findings, kept.inspected_on, kept.status, kept.reply) == (
        "补齐三月通讯报道",
        D(2026, 4, 8),
        Inspection.Status.REPLIED,
        "已补齐",
    )


def test_an_answered_follow_up_cannot_be_changed_and_nothing_is(institute):
    meeting = hold(institute)
    done = answered(institute, meeting)
    with pytest.raises(ValidationError) as refused:
        correction(
            institute,
            meeting,
            follow_ups=[{"inspection": done, "text": "改写后的要求", "due": D(2026, 6, 1)}],
        )
    assert "第一党支部" in " ".join(refused.value.message_dict["follow_ups"])
    assert SupervisionMeeting.objects.get(pk=meeting.pk).held_on == D(2026, 4, 8)
    assert Inspection.objects.get(pk=done.pk).findings == "补齐三月通讯报道"


def test_a_correction_needs_a_reason_and_the_office(institute):
    meeting = hold(institute)
    with pytest.raises(ValidationError) as refused:
        correction(institute, meeting, reason=" ", raised="")
    assert set(refused.value.message_dict) == {"reason", "raised"}
    for user in (institute.secretary.user, institute.leader.user):
        with pytest.raises(PermissionDenied):
            meeting_correct(
                access=compute_access(user),
                meeting=meeting,
                held_on=D(2026, 4, 9),
                subject="x",
                raised="x",
                reason="x",
            )
    assert SupervisionMeeting.objects.get(pk=meeting.pk).held_on == D(2026, 4, 8)


def test_the_pages_correct_and_show_the_correction_in_words(client, institute):
    meeting = hold(institute)
    answered(institute, meeting)
    other = meeting.follow_ups.get(branch=institute.other_branch)
    client.force_login(institute.office.user)
    url = reverse("supervision:meeting_correct", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "已答复" in page and "保持原样" in page and "规范党小组会记录" in page
    data = {
        "held_on": "2026-04-09",
        "subject": meeting.subject,
        "attendees": [institute.secretary.pk, institute.leader.pk],
        "other_attendees": "宣传干事",
        "raised": meeting.raised,
        "reason": "",
        "follow-TOTAL_FORMS": "1",
        "follow-INITIAL_FORMS": "1",
        "follow-0-inspection": other.pk,
        "follow-0-text": "规范党小组会记录",
        "follow-0-due": "2026-05-15",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "请说明" in response.content.decode()
    assert SupervisionMeeting.objects.get(pk=meeting.pk).held_on == D(2026, 4, 8)
    response = client.post(url, {**data, "reason": "补记江波出席"})
    assert response.status_code == 302
    detail = client.get(reverse("supervision:meeting_detail", args=[meeting.pk])).content.decode()
    corrections = detail.split('data-testid="corrections"')[1].split("</ul>\n")[0]
    assert "补记江波出席" in corrections and "章瑜" in corrections and "江波" in corrections
    # The leading group reads the corrections too, but may not correct.
    client.force_login(institute.leader.user)
    detail = client.get(reverse("supervision:meeting_detail", args=[meeting.pk])).content.decode()
    assert "补记江波出席" in detail and "meeting-correct-link" not in detail


def test_the_correction_page_costs_the_same_however_many_follow_ups(client, institute):
    def count(meeting):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:meeting_correct", args=[meeting.pk])).status_code == 200
        return len(queries)

    client.force_login(institute.office.user)
    small = hold(institute, follow_ups=[{"branch": institute.branch, "text": "一", "due": D(2026, 5, 1)}])
    answered(institute, small)
    count(small)
    before = count(small)
    rows = []
    for k in range(4):
        branch = BranchFactory(committee=institute.committee, name=f"新支部{k}")
        make_secretary(branch, name=f"新书记{k}")
        rows.append({"branch": branch, "text": "整改", "due": D(2026, 5, 1)})
    large = hold(
        institute, follow_ups=[{"branch": institute.branch, "text": "一", "due": D(2026, 5, 1)}, *rows]
    )
    answered(institute, large)
    assert count(large) == before
