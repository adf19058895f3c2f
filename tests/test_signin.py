"""扫码签到: a meeting's sign-in window (issue 20). A code works only while the window is open,
only for the people of that meeting, once per person; closing makes the attendance stand as if
typed; every step is authorised by the workflow and kept in the history."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from activities import services, signin
from activities.models import Attendance, Kind, SignIn, SignInWindow

from .factories import make_member

D = datetime.date


@pytest.fixture
def meeting(institute):
    """A general meeting of 第一党支部 (李书记 and 陈党员 are its members)."""
    return services.record_create(
        branch=institute.branch,
        kind=Kind.GENERAL_MEETING,
        access=compute_access(institute.secretary.user),
        held_on=D(2026, 3, 1),
        title="第一季度党员大会",
        today=D(2026, 6, 1),
    )


def acc(person):
    return compute_access(person.user)


def statuses(record):
    return {a.person.name: (a.status, a.reason) for a in Attendance.objects.filter(record=record)}


def test_open_sign_in_close(institute, meeting):
    extra = make_member(institute.branch, name="林党员", user=True)
    window = signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", window.code)
    # Opening again gives back the open window.
    assert signin.sign_in_open(record=meeting, access=acc(institute.secretary)) == window

    signed, new = signin.sign_in(code=window.code.lower(), access=acc(institute.member))
    assert new and signed.person == institute.member
    assert statuses(meeting) == {"陈党员": ("present", "")}
    row = Attendance.objects.get(record=meeting, person=institute.member)
    assert row.history.get().history_user == institute.member.user  # the member's own entry

    # Once per person: a second scan changes nothing and says so.
    again, new = signin.sign_in(code=window.code, access=acc(institute.member))
    assert (again, new) == (signed, False)
    assert SignIn.objects.count() == 1 and row.history.count() == 1

    signin.sign_in_mark_leave(record=meeting, access=acc(institute.secretary), person=extra, reason="出差")
    signin.sign_in_close(record=meeting, access=acc(institute.secretary))
    # As if typed: present, on leave with its reason, and the rest absent.
    assert statuses(meeting) == {
        "陈党员": ("present", ""),
        "林党员": ("leave", "出差"),
        "李书记": ("absent", ""),
    }
    window.refresh_from_db()
    assert window.closed_by == institute.secretary.user and window.history.count() == 2
    # The code no longer works.
    with pytest.raises(ValidationError):
        signin.sign_in(code=window.code, access=acc(institute.secretary))


def test_only_the_people_of_the_meeting_sign_in(institute, meeting):
    window = signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    for outsider in (institute.other_secretary, institute.gb_secretary, institute.office):
        with pytest.raises(PermissionDenied):
            signin.sign_in(code=window.code, access=acc(outsider))
    with pytest.raises(PermissionDenied):  # staff: no person of the branch
        signin.sign_in(code=window.code, access=compute_access(institute.staff.user))
    assert not SignIn.objects.exists() and not Attendance.objects.filter(record=meeting).exists()


def test_wrong_or_closed_code(institute, meeting):
    with pytest.raises(ValidationError) as refused:
        signin.sign_in(code="ABCDEF", access=acc(institute.member))
    assert "签到码无效" in str(refused.value)
    window = signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    signin.sign_in_close(record=meeting, access=acc(institute.secretary))
    with pytest.raises(ValidationError):
        signin.sign_in(code=window.code, access=acc(institute.member))
    assert not SignIn.objects.exists()


def test_who_may_open_and_close(institute, meeting):
    for person in (institute.member, institute.other_secretary):
        with pytest.raises(PermissionDenied):
            signin.sign_in_open(record=meeting, access=acc(person))
    assert not SignInWindow.objects.exists()
    signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    with pytest.raises(PermissionDenied):
        signin.sign_in_close(record=meeting, access=acc(institute.member))
    with pytest.raises(PermissionDenied):
        signin.sign_in_mark_leave(
            record=meeting, access=acc(institute.member), person=institute.secretary, reason="病假"
        )
    news = services.record_create(
        branch=institute.branch, kind=Kind.NEWS_REPORT, access=acc(institute.secretary),
        held_on=D(2026, 3, 2), title="通讯", published_in="党委网站", today=D(2026, 6, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        signin.sign_in_open(record=news, access=acc(institute.secretary))


def test_leave_needs_a_reason_and_a_person_of_the_meeting(institute, meeting):
    window = signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    with pytest.raises(ValidationError) as refused:
        signin.sign_in_mark_leave(
            record=meeting, access=acc(institute.secretary), person=institute.member, reason=" "
        )
    assert refused.value.message_dict["reason"] == ["请填写请假原因。"]
    with pytest.raises(ValidationError):
        signin.sign_in_mark_leave(
            record=meeting, access=acc(institute.secretary), person=institute.member2, reason="病假"
        )
    signin.sign_in(code=window.code, access=acc(institute.member))
    with pytest.raises(ValidationError):  # signed in: present, not on leave
        signin.sign_in_mark_leave(
            record=meeting, access=acc(institute.secretary), person=institute.member, reason="病假"
        )
    assert statuses(meeting) == {"陈党员": ("present", "")}


# --- pages ------------------------------------------------------------------------------------


def test_secretary_page_shows_qr_and_code_and_arrivals(client, institute, meeting, settings):
    settings.SITE_URL = "https://cxzy.example.cn"
    client.force_login(institute.secretary.user)
    url = reverse("activities:signin_manage", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "开启签到" in page and "<svg" not in page
    client.post(url, {"action": "open"})
    window = SignInWindow.objects.get()
    page = client.get(url).content.decode()
    assert "<svg" in page and window.code in page
    assert "https://cxzy.example.cn" + reverse("activities:signin", args=[window.code]) in page
    assert 'data-testid="arrival-' in page and "未到" in page
    # Bad input: a leave without a reason keeps what was chosen and says why.
    response = client.post(url, {"action": "leave", "person": institute.member.pk, "reason": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in body
    assert f'<option value="{institute.member.pk}" selected>' in body
    assert not Attendance.objects.exists()
    # Arrivals fragment, then closing.
    signin.sign_in(code=window.code, access=acc(institute.member))
    fragment = client.get(reverse("activities:signin_arrivals", args=[meeting.pk])).content.decode()
    assert "出席" in fragment and 'data-open="1"' in fragment
    response = client.post(url, {"action": "close"}, follow=True)
    assert "签到已结束" in response.content.decode()
    assert statuses(meeting)["李书记"] == ("absent", "")


def test_member_page_states(client, institute, meeting):
    window = signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    url = reverse("activities:signin", args=[window.code])
    client.force_login(institute.member.user)
    assert 'data-state="ready"' in client.get(url).content.decode()
    page = client.post(url).content.decode()
    assert 'data-state="signed"' in page and "记为出席" in page
    assert "已签到" in client.post(url).content.decode()
    assert 'data-state="already"' in client.get(url).content.decode()
    client.force_login(institute.other_secretary.user)
    assert 'data-state="not_expected"' in client.get(url).content.decode()
    assert client.post(url).status_code == 403
    page = client.get(reverse("activities:signin", args=["ZZZZZZ"])).content.decode()
    assert 'data-state="invalid"' in page and "签到码无效" in page
    # Typing the code (spaces and lower case forgiven) leads to the page.
    response = client.get(reverse("activities:signin_enter"), {"code": f" {window.code.lower()} "})
    assert response.status_code == 302 and response.url == url


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_cost_a_fixed_number_of_queries(client, institute, meeting):
    window = signin.sign_in_open(record=meeting, access=acc(institute.secretary))
    signin.sign_in(code=window.code, access=acc(institute.member))
    urls = [
        reverse("activities:signin_manage", args=[meeting.pk]),
        reverse("activities:signin_arrivals", args=[meeting.pk]),
    ]
    client.force_login(institute.secretary.user)
    for url in urls:
        _count(client, url)
    before = [_count(client, url) for url in urls]
    for n in range(6):
        person = make_member(institute.branch, user=True)
        if n % 2:
            signin.sign_in(code=window.code, access=acc(person))
        else:
            signin.sign_in_mark_leave(
                record=meeting, access=acc(institute.secretary), person=person, reason="出差"
            )
    assert [_count(client, url) for url in urls] == before
    client.force_login(institute.member.user)
    member_url = reverse("activities:signin", args=[window.code])
    small = _count(client, member_url)
    for _n in range(4):
        make_member(institute.branch)
    assert _count(client, member_url) == small
