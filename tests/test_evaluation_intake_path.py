"""The ballot POST's short way (issue 17, intake at 300/s): a well-formed ballot goes straight
to the service without building the questionnaire's form; anything refused takes the form's way,
with its messages and nothing written. The texts are cleaned as the form cleans them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import Criterion, FreeText, PooledBallot, Voter

from . import test_evaluations_support as support
from .test_evaluations_support import ballot_post_data

evaluation, extra_staff = support.evaluation, support.extra_staff


def _post(client, evaluation, data, **extra):
    return client.post(reverse("evaluations:ballot", args=[evaluation.pk]), data, **extra)


def test_good_ballot_skips_the_questionnaire(client, evaluation, institute):
    client.force_login(institute.staff.user)
    data = ballot_post_data(evaluation)
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, evaluation, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:thanks", args=[evaluation.pk])
    assert PooledBallot.objects.filter(evaluation=evaluation).count() == 1
    criterion_table = Criterion._meta.db_table
    assert not [q for q in queries.captured_queries if criterion_table in q["sql"]]


def test_comment_is_cleaned_as_the_form_cleans_it(client, evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once
    client.force_login(institute.staff.user)
    data = ballot_post_data(evaluation)
    target = evaluation.targets.first()
    data[f"t-{target.pk}"] = "  \u200b很好\u202e  "
    assert _post(client, evaluation, data).status_code == 302
    assert list(FreeText.objects.filter(target=target).values_list("text", flat=True)) == ["很好"]


def test_odd_field_names_take_the_forms_way(client, evaluation, institute):
    client.force_login(institute.staff.user)
    data = ballot_post_data(evaluation)
    data["a-x-1"] = "satisfied"  # not what the page sends: the form ignores it
    response = _post(client, evaluation, data)
    assert response.status_code == 302
    assert PooledBallot.objects.filter(evaluation=evaluation).count() == 1


def test_refused_ballot_keeps_what_was_typed(client, evaluation, institute):
    client.force_login(institute.staff.user)
    data = ballot_post_data(evaluation)
    del data[next(name for name in data if name.startswith("a-"))]
    target = evaluation.targets.first()
    data[f"t-{target.pk}"] = "我写的意见"
    response = _post(client, evaluation, data)
    assert response.status_code == 200
    assert "我写的意见" in response.content.decode()
    assert not PooledBallot.objects.exists()
    assert not Voter.objects.filter(evaluation=evaluation, has_voted=True).exists()


def test_control_character_in_a_comment_is_a_message(client, evaluation, institute):
    client.force_login(institute.staff.user)
    data = ballot_post_data(evaluation)
    data[f"t-{evaluation.targets.first().pk}"] = "坏\x00字"
    response = _post(client, evaluation, data)
    assert response.status_code == 200 and 'data-testid="already-voted"' not in response.content.decode()
    assert not PooledBallot.objects.exists()
