"""Reads of the notices pages: each a fixed number of queries however many notices, units or
readers there are."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from accounts.access import Access, Role
from branches.models import Branch, Department, GeneralBranch
from core.counts import counted

from .models import Notice, NoticeAddressee
from .workflow import INSTITUTE_PERMISSION, addressee_q, institutes

HOME_ROWS = 10


def visible(access: Access):
    """The notices the reader may read: every notice of the institutes reached as a whole, and
    those addressed to a unit the reader answers for."""
    every, ids = institutes(access, INSTITUTE_PERMISSION)
    if every:
        return Notice.objects.all()
    mine = NoticeAddressee.objects.filter(addressee_q(access), notice=OuterRef("pk"))
    return Notice.objects.filter(Q(committee_id__in=ids) | Exists(mine))


def notice_list(access: Access):
    """With the counts of addressees and of those who read it, and the reader's unread rows."""
    mine = NoticeAddressee.objects.filter(addressee_q(access), notice=OuterRef("pk"))
    return (
        visible(access)
        .select_related("committee", "corrects")
        .annotate(
            n_addressees=Count("addressees", distinct=True),
            n_read=Count("addressees", filter=Q(addressees__confirmed_at__isnull=False), distinct=True),
            mine=Exists(mine),
            mine_unread=Exists(mine.filter(confirmed_at__isnull=True)),
        )
        .order_by("-issued_on", "-pk")
    )


def notice_detail(access: Access, queryset):
    rows = NoticeAddressee.objects.select_related(
        "general_branch", "branch", "department__notice_head__person", "confirmed_by__person"
    ).order_by("general_branch__sort_order", "branch__sort_order", "department__sort_order", "pk")
    return queryset.select_related("committee", "corrects", "issued_by__person").prefetch_related(
        Prefetch("addressees", queryset=rows),
        Prefetch("attachments"),
        Prefetch("corrections", queryset=Notice.objects.order_by("issued_on", "pk")),
    )


def reader_rows(access: Access, notice: Notice) -> list[NoticeAddressee]:
    """The notice's addressee rows the reader answers for (from the prefetched rows)."""
    from .workflow import answers_for

    return [row for row in notice.addressees.all() if answers_for(access, row)]


def addressable(committee_ids=None):
    """The units a notice may go to, as the plan names them (each a queryset ordered as the tree):
    general branches, branches without one, departments without a branch."""
    general = GeneralBranch.objects.filter(is_active=True)
    branches = Branch.objects.active().filter(general_branch__isnull=True)
    departments = Department.objects.filter(is_active=True).exclude(
        Exists(Branch.objects.filter(departments=OuterRef("pk"), is_active=True))
    )
    if committee_ids is not None:
        general = general.filter(committee_id__in=committee_ids)
        branches = branches.filter(committee_id__in=committee_ids)
        departments = departments.filter(committee_id__in=committee_ids)
    return (
        general.order_by("sort_order", "name_key"),
        branches.order_by("sort_order", "name_key"),
        departments.order_by("sort_order", "name_key"),
    )


@counted
def home_context(*, access: Access, role: str | None, campaign_year, counts) -> dict:
    """The home page's notices (``templates/notices/_home.html``): the reader's unread notices
    (a secretary, a department's head), and for the office the notices not yet read by all.
    Read with the page's counts (core.counts)."""
    context: dict = {}
    if role in (Role.OFFICE, Role.ADMIN):
        every, ids = institutes(access, "campaign.change")
        notices = Notice.objects.all() if every else Notice.objects.filter(committee_id__in=ids)
        counts.rows(
            "nt_unread_by_some",
            notices.annotate(n_unread=Count("addressees", filter=Q(addressees__confirmed_at__isnull=True)))
            .filter(n_unread__gt=0)
            .order_by("-issued_on", "-pk")[:HOME_ROWS],
        )
        context["nt_can_issue"] = True
    if access.person is not None and role in (Role.SECRETARY, Role.STAFF, Role.MEMBER):
        unread = NoticeAddressee.objects.filter(addressee_q(access), confirmed_at__isnull=True)
        counts.rows(
            "nt_to_read",
            Notice.objects.filter(Exists(unread.filter(notice=OuterRef("pk")))).order_by("-issued_on", "-pk")[
                :HOME_ROWS
            ],
        )
    return context
