"""Late pledges (issue 21): a pledge published after the year's deadline is accepted, the
secretary is told and confirms, and the lateness is recorded and shown."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.models import Pledge, Publication

from .test_pledges_support import acc, make_pledge, step, year_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _due(institute, on):
    year = year_of(institute)
    year.pledges_due_on = on
    year.save()


def publish(institute, pledge, **extra):
    return services.pledge_publish(
        access=acc(institute.secretary.user),
        pledge=pledge,
        occasion="department_meeting",
        published_on=TODAY,
        audience="全体职工",
        **extra,
    )


def test_published_by_the_deadline_is_on_time(institute):
    _due(institute, TODAY)
    pledge = make_pledge(institute, "branch", "approved")
    publish(institute, pledge, late_acknowledged=False)
    pledge.refresh_from_db()
    assert pledge.status == "published" and not pledge.published_late


def test_late_publication_refused_unless_acknowledged_then_recorded(institute):
    _due(institute, TODAY - datetime.timedelta(days=1))
    pledge = make_pledge(institute, "branch", "approved")
    with pytest.raises(ValidationError) as error:
        publish(institute, pledge, late_acknowledged=False)
    assert "late_acknowledged" in error.value.message_dict
    pledge.refresh_from_db()
    assert pledge.status == "approved" and not Publication.objects.filter(pledge=pledge).exists()
    publish(institute, pledge, late_acknowledged=True)
    pledge.refresh_from_db()
    assert pledge.status == "published" and pledge.published_late
    assert pledge.history.first().published_late  # in the history too


def test_a_correction_keeps_the_first_publications_mark(institute):
    _due(institute, TODAY)
    first = make_pledge(institute, "branch", "published")
    _due(institute, TODAY - datetime.timedelta(days=30))
    second = step(institute, first, "correct")
    for action in ("submit", "approve"):
        step(institute, second, action)
        second.refresh_from_db()
    publish(institute, second, late_acknowledged=False)  # not asked: the pledge was on time
    second.refresh_from_db()
    assert second.status == "published" and not second.published_late


def test_publish_page_warns_and_list_shows_late(client, institute):
    _due(institute, TODAY - datetime.timedelta(days=1))
    pledge = make_pledge(institute, "branch", "approved")
    client.force_login(institute.secretary.user)
    page = client.get(reverse("pledges:publish", args=[pledge.pk])).content.decode()
    assert 'data-testid="late-warning"' in page and "late_acknowledged" in page
    publish(institute, pledge, late_acknowledged=True)
    client.force_login(institute.office.user)
    listing = client.get(reverse("pledges:list")).content.decode()
    assert 'data-testid="late"' in listing
    detail = client.get(reverse("pledges:detail", args=[pledge.pk])).content.decode()
    assert 'data-testid="late"' in detail


def test_no_warning_before_the_deadline(client, institute):
    _due(institute, TODAY)
    pledge = make_pledge(institute, "member", "approved")
    client.force_login(institute.secretary.user)
    page = client.get(reverse("pledges:publish", args=[pledge.pk])).content.decode()
    assert 'data-testid="late-warning"' not in page and "late_acknowledged" not in page
    assert Pledge.objects.get(pk=pledge.pk).published_late is False
