"""The suggestion box: anonymous, handled by the office or the addressed branch, answers public."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.access import compute_access
from evaluations import services
from evaluations.models import Suggestion


def test_staff_drops_a_suggestion_without_a_name(client, institute):
    client.force_login(institute.staff.user)
    assert client.get(reverse("evaluations:suggestion_new")).status_code == 200
    response = client.post(
        reverse("evaluations:suggestion_new"), {"branch": institute.branch.pk, "text": "希望增加学习资料"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:suggestion_thanks")
    suggestion = Suggestion.objects.get()
    assert suggestion.branch == institute.branch and suggestion.committee == institute.committee
    assert suggestion.status == Suggestion.Status.NEW and suggestion.answered_by is None
    assert not suggestion.history.exists()  # the creation would name the author
    thanks = client.get(response["Location"]).content.decode()
    assert "希望增加学习资料" not in thanks


def test_suggestion_to_the_office(client, institute):
    client.force_login(institute.member.user)
    client.post(reverse("evaluations:suggestion_new"), {"branch": "", "text": "给办公室的建议"})
    assert Suggestion.objects.get().branch is None


def test_suggestion_needs_text_and_an_own_branch(institute):
    with pytest.raises(ValidationError):
        services.suggestion_submit(committee=institute.committee, branch=None, text="  ")
    with pytest.raises(ValidationError):
        services.suggestion_submit(committee=institute.committee, branch=institute.foreign_branch, text="x")


def test_foreign_branch_is_not_a_choice(client, institute):
    client.force_login(institute.staff.user)
    response = client.post(
        reverse("evaluations:suggestion_new"), {"branch": institute.foreign_branch.pk, "text": "x"}
    )
    assert response.status_code == 200 and not Suggestion.objects.exists()


def test_secretary_of_the_addressed_branch_answers(client, institute):
    s = services.suggestion_submit(committee=institute.committee, branch=institute.branch, text="会议太多")
    client.force_login(institute.other_secretary.user)
    assert "会议太多" not in client.get(reverse("evaluations:suggestion_inbox")).content.decode()
    client.force_login(institute.secretary.user)
    assert "会议太多" in client.get(reverse("evaluations:suggestion_inbox")).content.decode()
    client.post(reverse("evaluations:suggestion_handle", args=[s.pk]), {"action": "triage"})
    s.refresh_from_db()
    assert (
        s.status == Suggestion.Status.TRIAGED and s.branch == institute.branch
    )  # a secretary cannot pass it on
    empty = client.post(
        reverse("evaluations:suggestion_handle", args=[s.pk]), {"action": "answer", "answer": ""}
    )
    assert empty.status_code == 200
    client.post(
        reverse("evaluations:suggestion_handle", args=[s.pk]), {"action": "answer", "answer": "已合并例会"}
    )
    s.refresh_from_db()
    assert s.status == Suggestion.Status.ANSWERED and s.answered_by == institute.secretary.user
    # The history names those who handled it, from the triage on.
    assert {h.history_user for h in s.history.all()} == {institute.secretary.user}


def test_answer_visible_to_the_staff_of_the_institute(client, institute):
    answered = services.suggestion_submit(
        committee=institute.committee, branch=institute.branch, text="已答复的建议"
    )
    services.suggestion_answer(
        suggestion=answered, answer="我们的答复", access=compute_access(institute.office.user)
    )
    services.suggestion_submit(committee=institute.committee, branch=None, text="尚未答复")
    foreign = services.suggestion_submit(committee=institute.other_committee, branch=None, text="外所建议")
    services.suggestion_answer(suggestion=foreign, answer="外所答复", access=compute_access(institute.admin))
    client.force_login(institute.staff.user)
    page = client.get(reverse("evaluations:suggestions")).content.decode()
    assert "已答复的建议" in page and "我们的答复" in page and institute.office.name in page
    assert "尚未答复" not in page and "外所建议" not in page


def test_office_passes_a_suggestion_on(client, institute):
    s = services.suggestion_submit(committee=institute.committee, branch=None, text="关于机关支部")
    client.force_login(institute.secretary.user)
    assert client.get(reverse("evaluations:suggestion_handle", args=[s.pk])).status_code == 404
    client.force_login(institute.office.user)
    response = client.post(
        reverse("evaluations:suggestion_handle", args=[s.pk]),
        {"action": "triage", "branch": institute.other_branch.pk},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.branch == institute.other_branch and s.status == Suggestion.Status.TRIAGED
    client.force_login(institute.other_secretary.user)
    assert client.get(reverse("evaluations:suggestion_handle", args=[s.pk])).status_code == 200


def test_answered_suggestion_cannot_be_triaged_again(institute):
    s = services.suggestion_submit(committee=institute.committee, branch=None, text="x")
    services.suggestion_answer(suggestion=s, answer="y", access=compute_access(institute.office.user))
    with pytest.raises(ValidationError):
        services.suggestion_triage(suggestion=s, access=compute_access(institute.office.user))
