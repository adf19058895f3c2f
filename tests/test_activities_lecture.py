"""One way to record a lecture (issue 21): one 党课 button; who gave it decides whether it is the
secretary's yearly lecture (书记讲党课) or a party class, with a hint when it does not count."""

import datetime

from django.urls import reverse

from accounts.access import compute_access
from activities import services
from activities.compliance import compliance_table
from activities.models import ActivityRecord, Kind
from branches.models import Branch, Person, Position
from campaigns.models import CampaignYear

D = datetime.date


def post_lecture(client, institute, host, *, kind=Kind.PARTY_CLASS, held_on="2026-03-10"):
    url = reverse("activities:create_kind", args=[institute.branch.pk, kind])
    present = {f"att-status_{p.pk}": "present" for p in Person.objects.filter(branch=institute.branch)}
    data = {"held_on": held_on, "title": "党课：创新攻关", "host": host.pk, **present}
    return client.post(url, data, follow=True)


def test_choose_page_offers_one_lecture_button_with_a_hint(client, institute):
    client.force_login(institute.secretary.user)
    page = client.get(reverse("activities:create")).content.decode()
    branch = institute.branch.pk
    assert reverse("activities:create_kind", args=[branch, Kind.PARTY_CLASS]) in page
    assert reverse("activities:create_kind", args=[branch, Kind.SECRETARY_LECTURE]) not in page
    assert "书记讲党课" not in page.split('data-testid="lecture-hint"')[0]  # no second button
    assert "计为年度书记讲党课" in page


def test_form_names_the_secretary_in_the_hint(client, institute):
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.PARTY_CLASS])
    page = client.get(url).content.decode()
    assert "主讲人" in page and "由本支部书记（李书记）主讲的计为年度书记讲党课" in page


def test_lecture_by_the_secretary_counts_as_the_secretarys(client, institute):
    client.force_login(institute.secretary.user)
    response = post_lecture(client, institute, institute.secretary)
    record = ActivityRecord.objects.get()
    assert record.kind == Kind.SECRETARY_LECTURE
    page = response.content.decode()
    assert "由本支部书记主讲，计为年度书记讲党课。" in page
    year = CampaignYear.objects.get(campaign=institute.campaign, year=2026)
    table = compliance_table(
        campaign_year=year, branches=Branch.objects.filter(pk=institute.branch.pk), today=D(2026, 6, 1)
    )
    assert [i.recorded for i in table.rows[0].items if i.kind == Kind.SECRETARY_LECTURE] == [1]


def test_lecture_by_someone_else_is_a_party_class_and_says_so(client, institute):
    client.force_login(institute.secretary.user)
    response = post_lecture(client, institute, institute.member)
    record = ActivityRecord.objects.get()
    assert record.kind == Kind.PARTY_CLASS
    assert "不是本支部书记主讲，记为党课，不计入年度书记讲党课。" in response.content.decode()
    # Even through the old address of the second button.
    post_lecture(client, institute, institute.member, kind=Kind.SECRETARY_LECTURE, held_on="2026-03-11")
    assert set(ActivityRecord.objects.values_list("kind", flat=True)) == {Kind.PARTY_CLASS}


def test_secretary_on_the_day_decides(institute):
    """A former secretary's lecture after the term ended is a party class."""
    Position.objects.filter(person=institute.secretary).update(ended_on=D(2026, 2, 28))
    access = compute_access(institute.gb_secretary.user)  # the general branch's secretary records
    before = services.record_create(
        branch=institute.branch,
        kind=Kind.PARTY_CLASS,
        access=access,
        held_on=D(2026, 2, 20),
        title="党课",
        host=institute.secretary,
        today=D(2026, 6, 1),
    )
    after = services.record_create(
        branch=institute.branch,
        kind=Kind.PARTY_CLASS,
        access=access,
        held_on=D(2026, 3, 20),
        title="党课",
        host=institute.secretary,
        today=D(2026, 6, 1),
    )
    assert (before.kind, after.kind) == (Kind.SECRETARY_LECTURE, Kind.PARTY_CLASS)


def test_correcting_the_speaker_moves_the_lecture_and_keeps_history(client, institute):
    access = compute_access(institute.secretary.user)
    record = services.record_create(
        branch=institute.branch,
        kind=Kind.PARTY_CLASS,
        access=access,
        held_on=D(2026, 3, 1),
        title="党课",
        host=institute.member,
        today=D(2026, 6, 1),
    )
    assert record.kind == Kind.PARTY_CLASS
    services.record_update(
        record=record, access=access, changes={"host": institute.secretary}, today=D(2026, 6, 1)
    )
    record.refresh_from_db()
    assert record.kind == Kind.SECRETARY_LECTURE
    # The edit form offers 党课 (not a second lecture kind) and keeps the record as it is.
    client.force_login(institute.secretary.user)
    page = client.get(reverse("activities:edit", args=[record.pk])).content.decode()
    assert '<option value="party_class" selected>' in page and 'value="secretary_lecture"' not in page
    services.record_update(
        record=record, access=access, changes={"kind": Kind.PARTY_CLASS}, today=D(2026, 6, 1)
    )
    record.refresh_from_db()
    assert record.kind == Kind.SECRETARY_LECTURE  # the speaker did not change
    assert record.history.count() == 2  # entered, speaker corrected: no empty version
    services.record_update(
        record=record, access=access, changes={"host": institute.member}, today=D(2026, 6, 1)
    )
    record.refresh_from_db()
    assert record.kind == Kind.PARTY_CLASS
    assert [h.kind for h in record.history.order_by("history_date")] == [
        Kind.PARTY_CLASS,
        Kind.SECRETARY_LECTURE,
        Kind.PARTY_CLASS,
    ]


def test_records_entered_before_keep_their_kind(institute):
    """A secretary's lecture recorded before, without a speaker, still counts and still shows."""
    old = ActivityRecord.objects.create(
        branch=institute.branch,
        kind=Kind.SECRETARY_LECTURE,
        held_on=D(2026, 1, 5),
        title="书记讲党课",
        created_by=institute.secretary.user,
    )
    year = CampaignYear.objects.get(campaign=institute.campaign, year=2026)
    table = compliance_table(
        campaign_year=year, branches=Branch.objects.filter(pk=institute.branch.pk), today=D(2026, 6, 1)
    )
    assert [i.recorded for i in table.rows[0].items if i.kind == Kind.SECRETARY_LECTURE] == [1]
    old.refresh_from_db()
    assert old.kind == Kind.SECRETARY_LECTURE
