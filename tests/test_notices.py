"""Notices (动员部署): issued by the office to the plan's addressees, read and confirmed by each
addressee's secretary or head, never edited (a correction is a new notice); who has not read
it; the home page; bad input; permissions; fixed query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from accounts.models import Notification
from notices import services
from notices.models import Notice, NoticeAddressee

from .factories import BranchFactory, GeneralBranchFactory, make_secretary
from .test_notices_support import head_of_department, issue, notices_world, pdf

pytestmark = pytest.mark.django_db


def test_the_plan_goes_to_the_plans_own_addressees(institute):
    head_of_department(institute)
    notice = issue(institute, files=[pdf()])
    units = {str(r.unit) for r in notice.addressees.all()}
    # 各党总支、未设党总支的支部、未设党支部的处及中心; not a branch under a general branch, not
    # the department that has branches, not another institute's units.
    assert units == {"第一党总支", "机关党支部", "保卫处"}
    assert notice.attachments.get().original_name == "实施方案.pdf"
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {institute.gb_secretary.user.username, institute.other_secretary.user.username, "head"} <= told
    assert institute.secretary.user.username not in told  # 第一党支部 reads through its general branch


def test_addressees_confirm_and_the_office_sees_who_has_not(client, institute):
    head = head_of_department(institute)
    notice = issue(institute)
    services.notice_confirm(access=compute_access(institute.gb_secretary.user), notice=notice)
    client.force_login(institute.office.user)
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    unread = page.split('data-testid="unread"')[1].split("</ul>")[0]
    read = page.split('data-testid="read"')[1].split("</ul>")[0]
    assert "机关党支部" in unread and "保卫处" in unread and "第一党总支" not in unread
    assert "第一党总支" in read and "王总支书记" in read
    client.force_login(head.user)
    client.post(reverse("notices:confirm", args=[notice.pk]))
    row = NoticeAddressee.objects.get(notice=notice, department__isnull=False)
    assert row.confirmed_by == head.user and row.confirmed_at is not None
    assert row.history.count() == 2  # issued, then read: who and when kept


def test_confirming_twice_is_refused_and_changes_nothing(institute):
    notice = issue(institute)
    access = compute_access(institute.other_secretary.user)
    services.notice_confirm(access=access, notice=notice)
    row = NoticeAddressee.objects.get(notice=notice, branch=institute.other_branch)
    with pytest.raises(ValidationError, match="已经确认"):
        services.notice_confirm(access=compute_access(institute.other_secretary.user), notice=notice)
    assert NoticeAddressee.objects.get(pk=row.pk).confirmed_at == row.confirmed_at


@pytest.mark.parametrize("who", ["secretary", "member", "staff", "leader"])
def test_only_an_addressee_confirms(institute, who):
    notice = issue(institute)
    user = getattr(institute, who).user
    with pytest.raises(PermissionDenied):
        services.notice_confirm(access=compute_access(user), notice=notice)
    assert not NoticeAddressee.objects.filter(confirmed_at__isnull=False).exists()


def test_only_the_office_issues(institute):
    with pytest.raises(PermissionDenied):
        issue(institute, actor=institute.gb_secretary.user)
    with pytest.raises(PermissionDenied):
        issue(institute, actor=institute.leader.user)
    assert not Notice.objects.exists()


def test_a_correction_refers_to_the_old_notice_which_stays(client, institute):
    old = issue(institute, document_number="党发〔2026〕1号")
    client.force_login(institute.office.user)
    form = client.get(reverse("notices:create") + f"?corrects={old.pk}").content.decode()
    assert "更正" in form and old.title in form
    new = issue(institute, corrects=old, title="关于实施方案的更正", document_number="党发〔2026〕2号")
    assert new.corrects == old
    old.refresh_from_db()
    assert old.title == "关于开展创先争优活动的实施方案"
    page = client.get(reverse("notices:detail", args=[old.pk])).content.decode()
    assert "关于实施方案的更正" in page and 'data-testid="corrected-by"' in page


def test_no_page_edits_a_notice(institute):
    from django.urls import get_resolver

    names = {p.name for p in get_resolver().url_patterns if hasattr(p, "name")}
    names |= {f"notices:{p.name}" for p in __import__("notices.urls").urls.urlpatterns}
    assert not any(
        "edit" in n or "update" in n or "delete" in n for n in names if n and n.startswith("notices")
    )


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"title": "  "}, "title", "标题"),
        ({"body": ""}, "body", "正文"),
        ({"general_branches": [], "branches": [], "departments": []}, "general_branches", "至少"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(institute, change, field, message):
    with pytest.raises(ValidationError) as refused:
        issue(institute, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Notice.objects.exists()


def test_units_not_among_the_plans_addressees_are_refused(institute):
    with pytest.raises(ValidationError) as refused:
        issue(institute, general_branches=[], branches=[institute.branch], departments=[])
    assert "党总支" in " ".join(refused.value.message_dict["branches"])
    with pytest.raises(ValidationError) as refused:
        issue(institute, general_branches=[], branches=[], departments=[institute.department])
    assert "党支部" in " ".join(refused.value.message_dict["departments"])
    assert not Notice.objects.exists()


def test_a_document_number_is_used_once(institute):
    issue(institute, document_number="党发〔2026〕1号")
    with pytest.raises(ValidationError) as refused:
        issue(institute, document_number="党发〔2026〕1号")
    assert "文号" in " ".join(refused.value.message_dict["document_number"])
    assert Notice.objects.count() == 1


def test_a_bad_form_keeps_what_was_typed(client, institute):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("notices:create"),
        {"title": "通知标题", "body": "", "issuing_body": "所党委", "issued_on": "2026-01-05"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "通知标题" in page
    assert not Notice.objects.exists()


def test_the_office_issues_through_the_page_with_an_attachment(client, institute):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("notices:create"),
        {
            "title": "关于召开动员大会的通知",
            "document_number": "党发〔2026〕3号",
            "issuing_body": "所创先争优活动办公室",
            "issued_on": "2026-01-10",
            "body": "定于1月15日召开动员大会。",
            "general_branches": [institute.gb.pk],
            "files": [pdf("议程.pdf")],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert notice.issued_by == institute.office.user and notice.attachments.count() == 1
    assert [str(r.unit) for r in notice.addressees.all()] == ["第一党总支"]


def test_home_page_shows_unread_notices_to_addressees_and_the_office(client, institute):
    head = head_of_department(institute)
    notice = issue(institute)
    for user in (institute.gb_secretary.user, institute.other_secretary.user, head.user):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert 'data-testid="notice-to-read"' in page and notice.title in page
    client.force_login(institute.secretary.user)  # not an addressee
    assert 'data-testid="notice-to-read"' not in client.get(reverse("home")).content.decode()
    client.force_login(institute.office.user)
    page = client.get(reverse("home")).content.decode()
    assert "3 个单位未读" in page
    services.notice_confirm(access=compute_access(institute.gb_secretary.user), notice=notice)
    client.force_login(institute.gb_secretary.user)
    assert 'data-testid="notice-to-read"' not in client.get(reverse("home")).content.decode()


ROLES = {
    "staff": 404,
    "member": 404,
    "secretary": 404,
    "gb_secretary": 200,
    "other_secretary": 200,
    "office": 200,
    "leader": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role, status", ROLES.items())
def test_who_reads_a_notice(client, institute, users, role, status):
    w = notices_world(institute)
    client.force_login(users[role])
    assert client.get(reverse("notices:detail", args=[w.notice.pk])).status_code == status
    assert client.get(reverse("notices:attachment", args=[w.attachment.pk])).status_code == status
    assert client.get(reverse("notices:detail", args=[w.foreign.pk])).status_code == (
        200 if role == "admin" else 404
    )


def _more(institute, n):
    office = institute.office.user
    for k in range(n):
        gb = GeneralBranchFactory(committee=institute.committee, name=f"新总支{n}{k}")
        make_secretary(gb, name=f"新总支书记{n}{k}")
        BranchFactory(committee=institute.committee, name=f"新支部{n}{k}")
        notice = issue(institute, title=f"通知{n}{k}", document_number=f"党发{n}{k}")
        services.notice_confirm(access=compute_access(institute.gb_secretary.user), notice=notice)
    return office


@pytest.mark.parametrize("role", ["office", "gb_secretary"])
@pytest.mark.parametrize("page", ["list", "detail"])
def test_pages_cost_the_same_however_many_notices_and_units(client, institute, users, role, page):
    w = notices_world(institute)
    client.force_login(users[role])
    url = {
        "list": reverse("notices:list"),
        "detail": reverse("notices:detail", args=[w.notice.pk]),
    }[page]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    before = count()
    _more(institute, 4)
    assert count() == before


@pytest.mark.parametrize("role, shown", [("office", "nt_unread_by_some"), ("gb_secretary", "nt_to_read")])
def test_the_home_section_costs_the_same_however_many_notices(institute, users, role, shown):
    """The notices' own section of the home page (the page itself gathers every app's)."""
    from accounts.access import Role
    from notices.selectors import home_context

    notices_world(institute)

    def count():
        access = compute_access(users[role])
        access.roles  # noqa: B018 (read the roles first: the page has them already)
        with CaptureQueriesContext(connection) as queries:
            context = home_context(
                access=access, role=getattr(Role, role.upper(), Role.SECRETARY), campaign_year=None
            )
        return len(queries), len(context[shown])

    before, n = count()
    _more(institute, 4)
    after, m = count()
    assert after == before <= 2
    assert m == (n + 4 if role == "office" else n)  # the office: 4 more unread by some


def test_the_issue_form_costs_the_same_however_many_units(client, institute, django_assert_max_num_queries):
    client.force_login(institute.office.user)
    client.get(reverse("notices:create"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notices:create"))
    _more(institute, 3)
    with django_assert_max_num_queries(len(queries)):
        page = client.get(reverse("notices:create")).content.decode()
    assert "新总支30" in page


def test_demo_can_issue_the_plan_as_the_system(institute):
    from core.workflow import SYSTEM

    general, branches, departments = services.default_addressees(institute.committee)
    notice = services.notice_issue(
        access=SYSTEM,
        committee=institute.committee,
        title="实施方案",
        body="正文",
        issuing_body="所党委",
        issued_on=datetime.date(2026, 1, 5),
        general_branches=general,
        branches=branches,
        departments=departments,
    )
    assert notice.issued_by is None and notice.addressees.count() == 2
