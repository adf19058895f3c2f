"""Reviewing comments in bulk: tick a page (or all of it), filter by target, approve or reject."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from evaluations import services
from evaluations.models import FreeText

from . import test_evaluations_support as support

# Shared fixtures, found by pytest under these names.
evaluation, extra_staff, foreign_evaluation = (
    support.evaluation,
    support.extra_staff,
    support.foreign_evaluation,
)


def _closed_with_texts(evaluation, office, n_per_target=3):
    services.evaluation_close(evaluation=evaluation, access=compute_access(office))
    texts = []
    for target in evaluation.targets.all():
        texts += [
            FreeText.objects.create(target=target, text=f"{target}意见{i}") for i in range(n_per_target)
        ]
    return texts


def test_approve_many_at_once(client, evaluation, institute):
    texts = _closed_with_texts(evaluation, institute.office.user)
    client.force_login(institute.office.user)
    chosen = [str(t.pk) for t in texts[:4]]
    response = client.post(
        reverse("evaluations:moderation"), {"free_text": chosen, "decision": "approve"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["已通过 4 条"]
    assert FreeText.objects.filter(status=FreeText.Status.APPROVED).count() == 4
    assert set(
        FreeText.objects.filter(status=FreeText.Status.APPROVED).values_list("moderated_by", flat=True)
    ) == {institute.office.user.pk}
    # Rejected the same way; texts already decided are left alone and not counted.
    response = client.post(
        reverse("evaluations:moderation"),
        {"free_text": [str(t.pk) for t in texts[3:6]], "decision": "reject"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["已不予采用 2 条"]
    assert FreeText.objects.get(pk=texts[3].pk).status == FreeText.Status.APPROVED


def test_message_in_chinese(client, evaluation, institute):
    texts = _closed_with_texts(evaluation, institute.office.user)
    client.force_login(institute.office.user)
    response = client.post(
        reverse("evaluations:moderation"),
        {"free_text": [str(t.pk) for t in texts[:2]], "decision": "approve"},
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    assert "已通过 2 条" in response.content.decode()


def test_nothing_ticked_changes_nothing(client, evaluation, institute):
    _closed_with_texts(evaluation, institute.office.user)
    client.force_login(institute.office.user)
    response = client.post(reverse("evaluations:moderation"), {"decision": "approve"})
    assert response.status_code == 302
    assert not FreeText.objects.exclude(status=FreeText.Status.PENDING).exists()


def test_one_foreign_text_refuses_the_whole_batch(client, evaluation, foreign_evaluation, institute):
    texts = _closed_with_texts(evaluation, institute.office.user)
    services.evaluation_close(evaluation=foreign_evaluation, access=compute_access(institute.admin))
    foreign = FreeText.objects.create(target=foreign_evaluation.targets.get(), text="外所意见")
    client.force_login(institute.office.user)
    response = client.post(
        reverse("evaluations:moderation"),
        {"free_text": [str(texts[0].pk), str(foreign.pk)], "decision": "approve"},
    )
    assert response.status_code == 404
    assert not FreeText.objects.exclude(status=FreeText.Status.PENDING).exists()


def test_service_authorises_every_text(evaluation, foreign_evaluation, institute):
    texts = _closed_with_texts(evaluation, institute.office.user)
    services.evaluation_close(evaluation=foreign_evaluation, access=compute_access(institute.admin))
    foreign = FreeText.objects.create(target=foreign_evaluation.targets.get(), text="外所意见")
    with pytest.raises(PermissionDenied):
        services.free_texts_moderate(
            free_texts=[texts[0].pk, foreign.pk], approve=True, access=compute_access(institute.office.user)
        )
    # All or nothing.
    assert not FreeText.objects.exclude(status=FreeText.Status.PENDING).exists()


def test_filter_by_target(client, evaluation, institute):
    _closed_with_texts(evaluation, institute.office.user)
    target = evaluation.targets.get(person__isnull=True)
    client.force_login(institute.office.user)
    response = client.get(reverse("evaluations:moderation"), {"target": target.pk})
    shown = list(response.context["free_texts"])
    assert len(shown) == 3 and {t.target_id for t in shown} == {target.pk}
    assert response.context["total"] == 3
    everything = client.get(reverse("evaluations:moderation"))
    assert everything.context["total"] == 3 * evaluation.targets.count()
    page = everything.content.decode()
    assert 'data-select-all="free_text"' in page and "<script>" not in page


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_page_costs_fixed_queries(client, evaluation, institute):
    texts = _closed_with_texts(evaluation, institute.office.user, n_per_target=1)
    client.force_login(institute.office.user)
    url = reverse("evaluations:moderation")
    filtered = f"{url}?target={evaluation.targets.first().pk}"
    few, few_filtered = _count(client, url), _count(client, filtered)
    for text in texts:
        for i in range(10):
            FreeText.objects.create(target=text.target, text=f"更多意见{i}")
    assert _count(client, url) == few
    assert _count(client, filtered) == few_filtered == few + 1  # the chosen target, checked
