"""Double submission and lost updates (formguard's SubmitOnceMixin and EditCheckMixin).

- The same rendered create form, sent twice (a double click, a reload, two requests at once on
  PostgreSQL), makes one record; the second gets a message.
- Two office users editing the same record: the second to save is told, and the first's
  changes stay.
- Parallel ballots are each counted once: tests/test_anonymity.py
  (test_one_vote_per_person_under_concurrency, test_concurrent_ballots_of_different_people_all_count,
  test_one_appraisal_vote_per_person_under_concurrency)."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from awards import selectors as award_selectors
from awards.models import RubricItem
from campaigns.models import CampaignYear, OfficeMember
from evaluations.models import Suggestion
from supervision.models import Inspection, Review

from .factories import PersonFactory, UserFactory
from .test_bad_input import FORMS, login
from .test_permission_grid import database_state
from .test_supervision_support import inspect

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
VERSION = re.compile(r'name="version" value="([0-9a-f]+)"')


def rendered(client, url, pattern):
    html = client.get(url).content.decode()
    found = pattern.findall(html)
    assert len(found) == 1, f"{url}: {len(found)} fields matching {pattern.pattern}"
    return found[0]


CREATE_FORMS = [key for key in FORMS if key not in ("record_archive", "review")]


@pytest.mark.django_db
@pytest.mark.parametrize("key", CREATE_FORMS)
def test_the_same_create_form_sent_twice_makes_one_record(client, institute, key):
    case = FORMS[key]
    url = case.url(institute)
    login(client, institute, case.user)
    data = {**case.data(institute), "submission_token": rendered(client, url, TOKEN)}
    first = client.post(url, data)
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    after_first = database_state()
    second = client.post(url, data)
    assert second.status_code == 200
    assert "submitted_twice" in [e.code for e in second.context["form"].non_field_errors().as_data()]
    assert database_state() == after_first
    # A fresh page is a new submission (the token of the page shown again is a new one, too).
    assert rendered(client, url, TOKEN) != data["submission_token"]


@pytest.mark.django_db
def test_the_page_sent_again_links_to_what_it_saved(client, institute):
    case = FORMS["record"]
    url = case.url(institute)
    login(client, institute, case.user)
    data = {**case.data(institute), "submission_token": rendered(client, url, TOKEN)}
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "此记录已保存过，未重复保存。" in second
    assert f'<a href="{first["Location"]}" data-testid="saved-record">打开查看</a>' in second


@pytest.mark.django_db
def test_a_corrected_form_is_accepted_after_an_error(client, institute):
    client.force_login(institute.staff.user)
    url = reverse("evaluations:suggestion_new")
    token = rendered(client, url, TOKEN)
    response = client.post(url, {"text": "", "submission_token": token})
    assert response.status_code == 200  # refused: no text; the token was not used
    response = client.post(url, {"text": "建议", "submission_token": token})
    assert response.status_code == 302
    assert Suggestion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_record(institute):
    """Eight threads post the same page at the same moment, each on its own connection."""
    user = institute.staff.user
    probe = Client()
    probe.force_login(user)
    url = reverse("evaluations:suggestion_new")
    token = rendered(probe, url, TOKEN)
    barrier = threading.Barrier(8)
    statuses = []

    def send():
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            statuses.append(client.post(url, {"text": "同时提交", "submission_token": token}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 7 + [302], statuses
    assert Suggestion.objects.filter(text="同时提交").count() == 1


# --- Two office users on one record ------------------------------------------------------------


@pytest.fixture
def second_office(institute):
    person = PersonFactory(committee=institute.committee, name="刘干事", user=UserFactory(username="office2"))
    OfficeMember.objects.create(
        campaign=institute.campaign, person=person, role=OfficeMember.Role.MEMBER, title="干事"
    )
    return person.user


def both_open(institute, second_office, url):
    first, second = Client(), Client()
    first.force_login(institute.office.user)
    second.force_login(second_office)
    return first, rendered(first, url, VERSION), second, rendered(second, url, VERSION)


def assert_second_is_told(response):
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].non_field_errors().as_data()]
    assert "changed_meanwhile" in codes, codes


@pytest.mark.django_db
def test_two_office_users_writing_the_same_review(institute, second_office):
    from supervision import services

    year = CampaignYear.objects.get(campaign=institute.campaign)
    review_round, _ = services.review_round_open(campaign_year=year, half=1)
    review = Review.objects.get(round=review_round, kind=Review.Kind.BRANCH, branch=institute.branch)
    url = reverse("supervision:review_write", args=[review.pk])
    first, v1, second, v2 = both_open(institute, second_office, url)
    assert v1 == v2
    texts = {"achievements": "成绩", "problems": "问题", "direction": "方向"}
    assert first.post(url, {**texts, "version": v1}).status_code == 302
    assert_second_is_told(second.post(url, {**texts, "achievements": "覆盖", "version": v2}))
    review.refresh_from_db()
    assert review.achievements == "成绩"
    # Opened again, the second user sees the new version and may save over it.
    v3 = rendered(second, url, VERSION)
    assert second.post(url, {**texts, "achievements": "修改", "version": v3}).status_code == 302
    review.refresh_from_db()
    assert review.achievements == "修改"


@pytest.mark.django_db
def test_two_office_users_changing_the_same_rubric_item(institute, second_office):
    year = CampaignYear.objects.get(campaign=institute.campaign)
    rubric = award_selectors.rubric_for(campaign_year=year, kind="branch")
    item = rubric.items.filter(source="office_points").first()
    url = reverse("awards:rubric_item", args=[year.pk, "branch", item.pk])
    first, v1, second, v2 = both_open(institute, second_office, url)
    data = {
        "criterion": item.criterion,
        "name": item.name,
        "max_points": "7",
        "source": item.source,
        "indicator": item.indicator or "",
        "sort_order": item.sort_order,
    }
    assert first.post(url, {**data, "version": v1}).status_code == 302
    assert_second_is_told(second.post(url, {**data, "max_points": "9", "version": v2}))
    assert RubricItem.objects.get(pk=item.pk).max_points == 7


@pytest.mark.django_db
def test_two_office_users_changing_the_same_inspection(institute, second_office):
    inspection = inspect(institute, institute.branch, findings="", due=None)
    url = reverse("supervision:inspection_edit", args=[inspection.pk])
    first, v1, second, v2 = both_open(institute, second_office, url)
    data = {"kind": "routine", "inspected_on": "2026-03-10", "subject": "", "findings": ""}
    assert first.post(url, {**data, "subject": "第一位", "version": v1}).status_code == 302
    assert_second_is_told(second.post(url, {**data, "subject": "第二位", "version": v2}))
    assert Inspection.objects.get(pk=inspection.pk).subject == "第一位"


@pytest.mark.django_db
def test_two_office_users_changing_the_calendar(institute, second_office):
    year = CampaignYear.objects.get(campaign=institute.campaign)
    url = reverse("campaigns:year_edit", args=[year.pk])
    first, v1, second, v2 = both_open(institute, second_office, url)
    page = first.get(url).context
    data = {name: str(page["form"].initial[name]) for name in page["form"].fields if name != "version"}
    phases = page["phases"]
    data.update({f"{phases.prefix}-{k}": v for k, v in phases.management_form.initial.items()})
    for n, phase_form in enumerate(phases.forms):
        data[f"{phases.prefix}-{n}-id"] = phase_form.instance.pk
        data[f"{phases.prefix}-{n}-starts_on"] = phase_form.instance.starts_on.isoformat()
        data[f"{phases.prefix}-{n}-ends_on"] = phase_form.instance.ends_on.isoformat()
    assert first.post(url, {**data, "midyear_review_on": "2026-06-20", "version": v1}).status_code == 302
    assert_second_is_told(second.post(url, {**data, "midyear_review_on": "2026-06-25", "version": v2}))
    year.refresh_from_db()
    assert year.midyear_review_on == datetime.date(2026, 6, 20)
