"""The general branch's own pledge (党总支承诺, issue 20): written, submitted and published by the
general branch's secretary, approved and reviewed by the campaign office, public once published
to the members and staff of its branches, and to nobody else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from pledges import selectors, services
from pledges.models import Pledge
from pledges.workflow import pledge_roles, reaches_owner

from .factories import BranchFactory, GeneralBranchFactory, make_member, make_secretary
from .test_pledges_support import BRANCH_TEXTS, acc, branch_items, make_pledge, step, year_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _create(institute, user, **extra):
    return services.pledge_create(
        access=acc(user),
        kind="general_branch",
        campaign_year=year_of(institute),
        general_branch=institute.gb,
        items=branch_items(institute.member, 2),
        **{**BRANCH_TEXTS, **extra},
    )


def test_the_whole_way_by_the_general_branch_secretary_and_the_office(institute):
    gb_secretary, office = acc(institute.gb_secretary.user), acc(institute.office.user)
    pledge = _create(institute, institute.gb_secretary.user)
    assert (pledge.kind, pledge.branch, pledge.general_branch, pledge.unit) == (
        "general_branch",
        None,
        institute.gb,
        institute.gb,
    )
    assert str(pledge).startswith("第一党总支")
    services.pledge_submit(access=gb_secretary, pledge=pledge)
    # The office is told; the branch secretary below is not a writer and is not told.
    assert Notification.objects.filter(user=institute.office.user, message__contains="第一党总支").exists()
    services.pledge_return(access=office, pledge=pledge, reason="请量化效果目标")
    assert Notification.objects.filter(user=institute.gb_secretary.user, message__contains="请量化").exists()
    assert not Notification.objects.filter(user=institute.secretary.user).exists()
    step(institute, pledge, "edit")
    services.pledge_submit(access=gb_secretary, pledge=pledge)
    services.pledge_approve(access=office, pledge=pledge)
    services.pledge_publish(
        access=gb_secretary,
        pledge=pledge,
        occasion="department_meeting",
        published_on=TODAY,
        audience="全体党员",
    )
    pledge.refresh_from_db()
    assert pledge.status == "published"
    step(institute, pledge, "progress", percent=40)
    step(institute, pledge, "progress_publish")
    assert selectors.pledge_progress(pledge) == 20.0
    # A correction is a new version of the same general branch; publishing it supersedes v1.
    v2 = services.pledge_correct(access=gb_secretary, pledge=pledge)
    assert (v2.general_branch, v2.branch, v2.version) == (institute.gb, None, 2)
    for action in ("submit", "approve", "publish"):
        step(institute, v2, action)
        v2.refresh_from_db()
    pledge.refresh_from_db()
    assert (pledge.status, v2.status) == ("superseded", "published")
    assert v2.items.first().entries.get().percent == 40  # the progress carried over
    step(institute, v2, "self_assess")
    step(institute, v2, "review", result="partly", explanation="一项未完成")
    v2.refresh_from_db()
    assert v2.status == "closed" and v2.history.first().history_user == institute.office.user


def test_who_may_act_on_it(institute):
    # A branch secretary under the general branch, its member, another branch's secretary and
    # the office may not write it.
    for user in (institute.secretary.user, institute.member.user, institute.other_secretary.user):
        with pytest.raises(PermissionDenied):
            _create(institute, user)
    with pytest.raises(PermissionDenied):
        _create(institute, institute.office.user)
    pledge = _create(institute, institute.gb_secretary.user)
    with pytest.raises(ValidationError):  # one a year
        _create(institute, institute.gb_secretary.user)
    roles = {
        name: pledge_roles(acc(getattr(institute, name).user), pledge)
        for name in ("gb_secretary", "secretary", "member", "other_secretary", "office", "staff")
    }
    assert roles == {
        "gb_secretary": {"writer", "publisher"},
        "secretary": set(),
        "member": set(),
        "other_secretary": set(),
        "office": {"approver"},
        "staff": set(),
    }
    with pytest.raises(PermissionDenied):
        services.pledge_submit(access=acc(institute.secretary.user), pledge=pledge)
    step(institute, pledge, "submit")
    with pytest.raises(PermissionDenied):  # the secretary does not approve the own pledge
        services.pledge_approve(access=acc(institute.gb_secretary.user), pledge=pledge)
    step(institute, pledge, "approve")
    with pytest.raises(PermissionDenied):
        services.pledge_publish(
            access=acc(institute.secretary.user),
            pledge=pledge,
            occasion="department_meeting",
            published_on=TODAY,
            audience="全体党员",
        )


def test_milestones_are_for_members_of_its_branches(institute):
    outsider = institute.other_member  # 机关党支部: not under the general branch
    with pytest.raises(ValidationError) as error:
        services.pledge_create(
            access=acc(institute.gb_secretary.user),
            kind="general_branch",
            campaign_year=year_of(institute),
            general_branch=institute.gb,
            items=branch_items(outsider, 1),
            **BRANCH_TEXTS,
        )
    assert "吴党员" in " ".join(error.value.messages) and not Pledge.objects.exists()
    # A member of its second branch is fine.
    pledge = services.pledge_create(
        access=acc(institute.gb_secretary.user),
        kind="general_branch",
        campaign_year=year_of(institute),
        general_branch=institute.gb,
        items=branch_items(institute.member2, 1),
        **BRANCH_TEXTS,
    )
    assert pledge.items.get().responsible == institute.member2


def test_late_publication_is_marked_as_for_a_branch(institute):
    year = year_of(institute)
    year.pledges_due_on = TODAY - datetime.timedelta(days=1)
    year.save()
    pledge = make_pledge(institute, "general_branch", "approved")
    publish = {
        "occasion": "other",
        "occasion_other": "党总支委员会",
        "published_on": TODAY,
        "audience": "各支部",
    }
    with pytest.raises(ValidationError):
        services.pledge_publish(
            access=acc(institute.gb_secretary.user), pledge=pledge, late_acknowledged=False, **publish
        )
    services.pledge_publish(
        access=acc(institute.gb_secretary.user), pledge=pledge, late_acknowledged=True, **publish
    )
    pledge.refresh_from_db()
    assert pledge.published_late and pledge.status == "published"


def test_the_owner_of_each_kind_is_enforced_by_the_database(institute):
    year, by = year_of(institute), institute.admin
    bad = [
        {"kind": "general_branch", "branch": institute.branch},  # no general branch
        {"kind": "general_branch", "branch": institute.branch, "general_branch": institute.gb},
        {"kind": "branch", "branch": institute.branch, "general_branch": institute.gb},
        {
            "kind": "member",
            "branch": institute.branch,
            "person": institute.member,
            "general_branch": institute.gb,
        },
    ]
    for owner in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Pledge.objects.create(campaign_year=year, created_by=by, **owner)
    Pledge.objects.create(
        kind="general_branch", general_branch=institute.gb, campaign_year=year, created_by=by
    )
    # At most one first version, one open version a year.
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            kind="general_branch", general_branch=institute.gb, campaign_year=year, created_by=by
        )
    first = Pledge.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            kind="general_branch",
            general_branch=institute.gb,
            campaign_year=year,
            created_by=by,
            version=2,
            previous=first,
        )


def _expected_visible(access):
    """The rule spelt out pledge by pledge, as the workflow decides it."""
    return {
        pledge
        for pledge in Pledge.objects.select_related("branch", "general_branch")
        if (pledge.is_public and reaches_owner(access, "pledges.view", pledge, through_branches=True))
        or pledge_roles(access, pledge)
    }


@pytest.fixture(name="foreign_gb_pledge")
def foreign_gb_pledge_fixture(institute):
    """A published general-branch pledge of another general branch of the same institute, and a
    staff member of a department served by two branches of the general branch (a join over its
    branches would list its pledge twice)."""
    other_gb = GeneralBranchFactory(committee=institute.committee, name="第二党总支")
    BranchFactory(committee=institute.committee, general_branch=other_gb, name="第三党支部")
    return Pledge.objects.create(
        kind="general_branch",
        general_branch=other_gb,
        campaign_year=year_of(institute),
        status="published",
        created_by=institute.admin,
    )


ROLES = ["staff", "member", "secretary", "gb_secretary", "other_secretary", "office", "leader", "admin"]


def test_visibility_follows_the_workflow_and_through_the_branches(institute, users, foreign_gb_pledge):
    draft = make_pledge(institute, "general_branch", "submitted")
    branch_pledge = make_pledge(institute, "branch", "published")
    for role in ROLES:
        access = acc(users[role])
        visible = list(Pledge.objects.visible_to(access))
        assert len(visible) == len(set(visible)), role  # no row twice
        assert set(visible) == _expected_visible(access), role
        assert set(Pledge.objects.visible_to(access, by_key=True)) == set(visible), role
    assert set(Pledge.objects.visible_to(acc(users["gb_secretary"]))) == {draft, branch_pledge}
    assert set(Pledge.objects.visible_to(acc(users["member"]))) == {branch_pledge}  # not yet public
    for action in ("approve", "publish"):
        step(institute, draft, action)
    for role, sees in {
        "member": True,
        "staff": True,
        "secretary": True,
        "other_secretary": False,
        "office": True,
        "leader": True,
    }.items():
        visible = set(Pledge.objects.visible_to(acc(users[role])))
        assert (draft in visible) == sees, role
        assert (foreign_gb_pledge in visible) == (role in ("office", "leader")), role
    foreigner = make_member(institute.foreign_branch, name="外所党员乙", user=True)
    assert draft not in set(Pledge.objects.visible_to(acc(foreigner.user)))


def test_pages_of_the_general_branch_secretary_and_the_office(client, institute, users):
    client.force_login(users["gb_secretary"])
    home = client.get(reverse("home")).content.decode()
    assert (
        'data-testid="general-branch-pledge-row"' in home and reverse("pledges:create_general_branch") in home
    )
    assert reverse("pledges:create_general_branch") in client.get(reverse("pledges:list")).content.decode()
    url = reverse("pledges:create_general_branch")
    form = client.get(url).context["form"]
    assert list(form.fields["general_branch"].queryset) == [institute.gb]
    data = {
        "general_branch": institute.gb.pk,
        **BRANCH_TEXTS,
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-text": "举办党总支书记讲党课",
        "items-0-criterion": "leadership",
        "items-0-due_on": "2026-06-30",
        "items-0-responsible": institute.member2.pk,
    }
    response = client.post(url, data)
    pledge = Pledge.objects.get(kind="general_branch")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert pledge.items.get().responsible == institute.member2
    assert client.get(reverse("pledges:edit", args=[pledge.pk])).status_code == 200
    assert client.post(reverse("pledges:submit", args=[pledge.pk])).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "submitted"

    # Neither a branch secretary nor a member may start one.
    for role in ("secretary", "member", "office"):
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role

    # The office: waiting on its home, labelled; approves from the pledge page.
    client.force_login(users["office"])
    home = client.get(reverse("home"))
    assert pledge in home.context["branch_pledges_waiting"]
    assert [gb.name for gb in home.context["general_branches_unpublished"]] == ["第一党总支"]
    assert 'data-testid="unpublished-general-branch"' in home.content.decode()
    assert client.post(reverse("pledges:approve", args=[pledge.pk])).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "approved"
    # Not public yet: a member of its branch finds nothing.
    client.force_login(users["member"])
    assert client.get(reverse("pledges:detail", args=[pledge.pk])).status_code == 404
    step(institute, pledge, "publish")
    client.force_login(users["member"])
    page = client.get(reverse("pledges:detail", args=[pledge.pk])).content.decode()
    assert "第一党总支" in page and "举办党总支书记讲党课" in page
    assert pledge.pk in [p.pk for p in client.get(reverse("pledges:list")).context["pledges"]]
    client.force_login(users["staff"])
    assert pledge in client.get(reverse("home")).context["published_pledges"]
    client.force_login(users["other_secretary"])
    assert client.get(reverse("pledges:detail", args=[pledge.pk])).status_code == 404
    client.force_login(users["office"])
    home = client.get(reverse("home")).context
    assert home["general_branches_unpublished"] == [] and home["general_branch_pledges_published"] == 1


def test_comments_are_answered_by_the_general_branch_secretary(institute):
    pledge = make_pledge(institute, "general_branch", "published")
    comment = services.pledge_comment(
        access=acc(institute.member.user), pledge=pledge, text="讲党课安排在几月？"
    )
    assert Notification.objects.filter(
        user=institute.gb_secretary.user, message__contains="第一党总支"
    ).exists()
    for user in (institute.secretary.user, institute.member.user):
        with pytest.raises(PermissionDenied):
            services.comment_answer(access=acc(user), comment=comment, answer="六月")
    services.comment_answer(access=acc(institute.gb_secretary.user), comment=comment, answer="六月")
    with pytest.raises(PermissionDenied):  # a branch outside the general branch may not comment
        services.pledge_comment(access=acc(institute.other_secretary.user), pledge=pledge, text="问")
    services.comment_hide(access=acc(institute.office.user), comment=comment, reason="测试隐藏")


def test_register_and_dashboard_read_the_owner(institute):
    """Readers in other apps: the pledge register names the general branch; the branch
    dashboards and the scoring count branch pledges only (kind ``branch``), so a general
    branch's pledge neither breaks nor skews them."""
    from reports.builders import records
    from reports.dashboards import pledge_fulfilment

    make_pledge(institute, "general_branch", "published")
    make_pledge(institute, "branch", "published")
    office = acc(institute.office.user)
    params = records.Params(year=year_of(institute), branch=None)
    table = records.PledgeRegister().table(office, params)
    owners = [row[0] for row in table.rows]
    assert "第一党总支" in owners and "第一党支部" in owners
    figures = pledge_fulfilment(access=office, campaign_year=year_of(institute), branches=[institute.branch])
    assert figures["branch_total"]["pledges"] == 1


def _grow(institute, n):
    year = year_of(institute)
    for g in range(n):
        gb = GeneralBranchFactory(committee=institute.committee, name=f"扩展党总支{n}-{g}")
        secretary = make_secretary(gb)
        member = make_member(BranchFactory(committee=institute.committee, general_branch=gb))
        pledge = services.pledge_create(
            access=acc(secretary.user),
            kind="general_branch",
            campaign_year=year,
            general_branch=gb,
            items=branch_items(member, 2),
            **BRANCH_TEXTS,
        )
        services.pledge_submit(access=acc(secretary.user), pledge=pledge)
        if g % 2:
            services.pledge_approve(access=acc(institute.office.user), pledge=pledge)
            services.pledge_publish(
                access=acc(secretary.user),
                pledge=pledge,
                occasion="department_meeting",
                published_on=TODAY,
                audience="全体党员",
            )


def _queries(client, user, url):
    client.force_login(user)
    client.get(url)  # warm (sessions, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_overview_cost_the_same_with_more_general_branches(client, institute, users):
    make_pledge(institute, "general_branch", "published")
    pages = [reverse("pledges:list"), reverse("pledges:list") + "?kind=general_branch", reverse("home")]
    who = ["office", "gb_secretary", "member", "staff"]
    _grow(institute, 1)
    small = {(role, url): _queries(client, users[role], url) for role in who for url in pages}
    _grow(institute, 4)
    large = {(role, url): _queries(client, users[role], url) for role in who for url in pages}
    assert large == small
    client.force_login(users["office"])
    listed = client.get(reverse("pledges:list") + "?kind=general_branch").context["pledges"]
    assert len(listed) == 6  # the institute's own and the five grown ones


def test_member_home_lists_the_published_pledges_of_own_branch_and_general_branch(
    client, institute, foreign_gb_pledge
):
    """A member follows the public pledges of the own branch and its general branch on the home
    page; another branch's, another general branch's and a draft are not there."""
    own_branch = make_pledge(institute, "branch", "published")
    own_gb = make_pledge(institute, "general_branch", "published")
    other_branch = make_pledge(institute, "branch", "published", branch=institute.branch2)
    client.force_login(institute.member.user)
    page = client.get(reverse("home")).content.decode()
    section = page.split('data-testid="unit-pledges"', 1)[1].split("</ul>", 1)[0]
    assert reverse("pledges:detail", args=[own_branch.pk]) in section
    assert reverse("pledges:detail", args=[own_gb.pk]) in section
    assert "本支部和所在党总支" in page
    for hidden in (other_branch, foreign_gb_pledge):
        assert reverse("pledges:detail", args=[hidden.pk]) not in section

    # Before anything is published the section is not shown at all.
    Pledge.objects.filter(pk__in=[own_branch.pk, own_gb.pk]).update(status="draft")
    assert 'data-testid="unit-pledges"' not in client.get(reverse("home")).content.decode()
