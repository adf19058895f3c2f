"""群众监督 of pledges: staff comment by name on a published pledge, the branch answers, the office
hides an abusive comment with a reason (kept, never deleted)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pledges import services
from pledges.comments import PledgeComment

from .test_pledges_support import acc, make_pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(institute):
    return make_pledge(institute, "branch", "published", items=2)


def test_staff_comments_secretary_answers_everyone_sees_the_exchange(client, institute, published):
    client.force_login(institute.staff.user)
    detail = reverse("pledges:detail", args=[published.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="comment-form"' in page
    response = client.post(
        reverse("pledges:comment", args=[published.pk]), {"text": "第二季度的目标能否量化？"}
    )
    assert response.status_code == 302
    comment = PledgeComment.objects.get()
    assert comment.author == institute.staff.user and comment.status == "open"

    # The branch's secretary sees the name and answers.
    client.force_login(institute.secretary.user)
    page = client.get(detail).content.decode()
    assert "孙职工" in page and "第二季度的目标能否量化？" in page
    assert reverse("pledges:comment_answer", args=[comment.pk]) in page
    response = client.post(
        reverse("pledges:comment_answer", args=[comment.pk]), {"answer": "已细化为三项指标。"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "answered" and comment.answered_by == institute.secretary.user

    # A member of the branch reads both under the pledge; cannot answer.
    client.force_login(institute.member.user)
    page = client.get(detail).content.decode()
    assert "第二季度的目标能否量化？" in page and "已细化为三项指标。" in page
    assert client.get(reverse("pledges:comment_answer", args=[comment.pk])).status_code == 403
    # Answered once.
    with pytest.raises(ValidationError):
        services.comment_answer(access=acc(institute.secretary.user), comment=comment, answer="再答")


def test_bad_input_changes_nothing_and_keeps_the_text(client, institute, published):
    client.force_login(institute.staff.user)
    url = reverse("pledges:comment", args=[published.pk])
    response = client.post(url, {"text": "   "})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    response = client.post(url, {"text": "太长" * 1001})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    assert "太长太长" in response.content.decode()
    assert not PledgeComment.objects.exists()
    comment = services.pledge_comment(access=acc(institute.staff.user), pledge=published, text="问题")
    client.force_login(institute.secretary.user)
    response = client.post(reverse("pledges:comment_answer", args=[comment.pk]), {"answer": ""})
    assert response.status_code == 200 and "answer" in response.context["form"].errors
    comment.refresh_from_db()
    assert comment.status == "open" and comment.answer == ""


def test_only_a_published_pledge_within_reach_can_be_commented(client, institute, published):
    draft = make_pledge(institute, "member", "approved")
    with pytest.raises(ValidationError):
        services.pledge_comment(access=acc(institute.secretary.user), pledge=draft, text="问题")
    # Another branch's secretary does not even find it.
    client.force_login(institute.other_secretary.user)
    assert client.post(reverse("pledges:comment", args=[published.pk]), {"text": "问题"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.pledge_comment(access=acc(institute.other_secretary.user), pledge=published, text="问题")
    # The secretary of the approved pledge's branch is sent back with a message.
    client.force_login(institute.secretary.user)
    response = client.post(reverse("pledges:comment", args=[draft.pk]), {"text": "问题"})
    assert response.status_code == 302
    assert not PledgeComment.objects.exists()


def test_office_hides_an_abusive_comment_with_a_reason_kept_in_history(client, institute, published):
    comment = services.pledge_comment(access=acc(institute.staff.user), pledge=published, text="骂人的话")
    # Neither the branch nor the commenter may hide it.
    with pytest.raises(PermissionDenied):
        services.comment_hide(access=acc(institute.secretary.user), comment=comment, reason="不文明")
    client.force_login(institute.office.user)
    url = reverse("pledges:comment_hide", args=[comment.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "含有侮辱性语言"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "hidden" and comment.text == "骂人的话"
    assert comment.history.count() == 2 and comment.history.first().history_user == institute.office.user

    detail = reverse("pledges:detail", args=[published.pk])
    client.force_login(institute.staff.user)
    page = client.get(detail).content.decode()
    assert "含有侮辱性语言" in page and "骂人的话" not in page
    client.force_login(institute.office.user)
    page = client.get(detail).content.decode()
    assert "骂人的话" in page
    # A hidden comment is not answered.
    with pytest.raises(ValidationError):
        services.comment_answer(access=acc(institute.secretary.user), comment=comment, answer="答")


def test_member_pledge_is_answered_by_the_branch_secretary(institute):
    pledge = make_pledge(institute, "member", "published")
    comment = services.pledge_comment(access=acc(institute.staff.user), pledge=pledge, text="请问")
    with pytest.raises(PermissionDenied):
        services.comment_answer(access=acc(institute.member.user), comment=comment, answer="答")
    services.comment_answer(access=acc(institute.secretary.user), comment=comment, answer="答")
    assert PledgeComment.objects.get().status == "answered"


def _queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_detail_page_queries_do_not_grow_with_comments(
    client, institute, published, django_assert_max_num_queries
):
    staff, secretary = acc(institute.staff.user), acc(institute.secretary.user)
    url = reverse("pledges:detail", args=[published.pk])

    def add(n):
        for i in range(n):
            comment = services.pledge_comment(access=staff, pledge=published, text=f"问题{i}")
            services.comment_answer(access=secretary, comment=comment, answer=f"回答{i}")

    client.force_login(institute.secretary.user)
    add(2)
    few = _queries(client, url, django_assert_max_num_queries)
    add(20)
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count('data-testid="comment-answer"') == 22


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_staff_comments_and_secretary_answers(login, live_server, institute):
    """In Chromium, at a desktop and a phone width: 孙职工 asks under the published branch
    pledge, 李书记 answers, and 孙职工 reads the exchange under the pledge."""
    from pathlib import Path

    from playwright.sync_api import expect

    shots = Path(__file__).resolve().parent.parent / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pledge = make_pledge(institute, "branch", "published", items=2)
    url = f"{live_server.url}/pledges/{pledge.pk}/"

    page = login(institute.staff.user)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url)
    # Nothing typed is lost on a refusal: an empty comment is refused with a message.
    page.get_by_test_id("send-comment").click()
    expect(page.locator("#id_text")).to_have_class(re.compile("is-invalid"))
    page.fill("#id_text", "第二季度的攻关目标能否量化？")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(rf"/pledges/{pledge.pk}/"))
    expect(page.get_by_test_id("comment-text")).to_have_text("第二季度的攻关目标能否量化？")
    expect(page.get_by_test_id("comment-author")).to_have_text("孙职工")

    login(institute.secretary.user)
    page.goto(url)
    page.get_by_test_id("answer").click()
    expect(page.get_by_test_id("comment")).to_contain_text("第二季度的攻关目标能否量化？")
    page.fill("textarea[name=answer]", "已细化为三项量化指标，见里程碑二。")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(rf"/pledges/{pledge.pk}/"))
    expect(page.get_by_test_id("comment-answer")).to_contain_text("已细化为三项量化指标")
    expect(page.get_by_test_id("answer")).to_have_count(0)

    login(institute.staff.user)
    page.goto(url)
    comments = page.get_by_test_id("comments")
    expect(comments).to_contain_text("已细化为三项量化指标")
    expect(comments).to_contain_text("李书记")
    comments.screenshot(path=str(shots / "pledge-comments-1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    expect(page.get_by_test_id("comment-answer")).to_be_visible()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "pledge-comments-390.png"), full_page=True)


def test_the_branch_is_told_of_a_question_and_the_writer_of_the_answer(institute, published):
    from accounts.models import Notification

    before = set(Notification.objects.values_list("pk", flat=True))
    comment = services.pledge_comment(access=acc(institute.staff.user), pledge=published, text="请问")
    told = Notification.objects.exclude(pk__in=before)
    # The branch's secretary and the general branch's (both may answer); not the writer.
    assert {n.user for n in told} == {institute.secretary.user, institute.gb_secretary.user}
    for n in told:
        assert "孙职工" in n.message, n.message
        assert n.link == reverse("pledges:detail", args=[published.pk])
    services.comment_answer(access=acc(institute.secretary.user), comment=comment, answer="答")
    assert Notification.objects.filter(user=institute.staff.user).count() == 1
