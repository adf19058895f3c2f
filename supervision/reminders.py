"""Reminders to whoever is late, sent by the scheduled jobs (``tasks.py``) in the app's inbox and
by e-mail (``accounts.services.notify``).

Each reminder goes at most once a day to a recipient about one subject: the job first inserts a
:class:`ReminderLog` row with a unique key (kind, subject, recipient, day), and only the run
whose insert succeeds sends. A job that runs twice, or on two workers at once, reminds once.

These run as the scheduler: no person acts, so there is no ``access`` to authorise; they only
write their own ``ReminderLog`` and send messages.
"""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notify
from branches.models import Branch, GeneralBranch
from campaigns.models import Campaign, CampaignYear

from .models import Inspection, ReminderLog, Review, ReviewRound
from .services.notifications import general_branch_secretary_users, office_users, secretary_users

# A written review is to be acknowledged within this many days.
ACKNOWLEDGE_WITHIN_DAYS = 7


@transaction.atomic
def send_reminder(
    *, kind: str, subject: str, users: Iterable[User], message: str, link: str, today: datetime.date
) -> int:
    """Remind ``users`` unless each was already reminded today about ``subject``. Returns how
    many were reminded now."""
    due = []
    for user in dict.fromkeys(u for u in users if u is not None and u.is_active):
        try:
            # A concurrent run inserting the same key waits for this transaction, then fails.
            with transaction.atomic():
                ReminderLog.objects.create(kind=kind, subject=subject, recipient=user, sent_on=today)
        except IntegrityError:
            continue
        due.append(user)
    if due:
        notify(users=due, message=message, link=link)
    return len(due)


def _running_years(today: datetime.date):
    return CampaignYear.objects.filter(campaign__in=Campaign.objects.running(today)).select_related(
        "campaign"
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def remind_review_acknowledgements(*, today: datetime.date) -> int:
    """Members and secretaries (of the branch, or of the general branch for its own review)
    whose review was written ``ACKNOWLEDGE_WITHIN_DAYS`` ago or more and is still not
    acknowledged."""
    cutoff = _start_of(today - datetime.timedelta(days=ACKNOWLEDGE_WITHIN_DAYS - 1))
    reviews = list(
        Review.objects.filter(
            status=Review.Status.WRITTEN,
            written_at__lt=cutoff,
            round__campaign_year__in=_running_years(today),
        )
        .select_related("round__campaign_year", "general_branch", "branch", "person__user")
        .order_by("pk")
    )
    secretaries = secretary_users({r.branch_id for r in reviews if r.kind == Review.Kind.BRANCH})
    general_secretaries = general_branch_secretary_users(
        {r.general_branch_id for r in reviews if r.kind == Review.Kind.GENERAL_BRANCH}
    )
    sent = 0
    for review in reviews:
        if review.kind == Review.Kind.MEMBER:
            users = [review.person.user]
        elif review.kind == Review.Kind.GENERAL_BRANCH:
            users = general_secretaries.get(review.general_branch_id, [])
        else:
            users = secretaries.get(review.branch_id, [])
        sent += send_reminder(
            kind=ReminderLog.Kind.REVIEW_ACKNOWLEDGE,
            subject=f"review:{review.pk}",
            users=users,
            message=_("Please read and acknowledge the %(round)s review of %(subject)s, written on %(date)s.")
            % {
                "round": review.round,
                "subject": review.subject_name,
                "date": timezone.localtime(review.written_at).date(),
            },
            link=reverse("supervision:review_detail", args=[review.pk]),
            today=today,
        )
    return sent


def remind_unwritten_reviews(*, today: datetime.date) -> int:
    """The campaign office, for each round whose reviews are not all written by its date."""
    rounds = (
        ReviewRound.objects.filter(write_by__lt=today, campaign_year__in=_running_years(today))
        .select_related("campaign_year")
        .annotate(pending=Count("reviews", filter=Q(reviews__status=Review.Status.PENDING)))
        .filter(pending__gt=0)
    )
    sent = 0
    for review_round in rounds:
        sent += send_reminder(
            kind=ReminderLog.Kind.REVIEW_WRITE,
            subject=f"review_round:{review_round.pk}",
            users=office_users(review_round.campaign_year.campaign_id),
            message=_("%(n)s reviews of the %(round)s round are not written yet (due %(date)s).")
            % {"n": review_round.pending, "round": review_round, "date": review_round.write_by},
            link=reverse("supervision:review_round_detail", args=[review_round.pk]) + "?status=pending",
            today=today,
        )
    return sent


def remind_overdue_rectifications(*, today: datetime.date) -> int:
    """Secretaries of branches with findings unanswered after their rectification deadline."""
    inspections = list(
        Inspection.objects.overdue(today)
        .filter(campaign_year__in=_running_years(today))
        .select_related("branch")
        .order_by("pk")
    )
    secretaries = secretary_users({i.branch_id for i in inspections})
    sent = 0
    for inspection in inspections:
        sent += send_reminder(
            kind=ReminderLog.Kind.RECTIFICATION,
            subject=f"inspection:{inspection.pk}",
            users=secretaries.get(inspection.branch_id, []),
            message=_(
                "The findings of the inspection of %(branch)s on %(date)s were to be rectified by %(due)s; please reply."
            )
            % {
                "branch": inspection.branch.name,
                "date": inspection.inspected_on,
                "due": inspection.rectification_due,
            },
            link=reverse("supervision:inspection_reply", args=[inspection.pk]),
            today=today,
        )
    return sent


def remind_unpublished_pledges(*, today: datetime.date) -> int:
    """Secretaries of branches whose branch pledge is not published although the year's
    pledges were due (``CampaignYear.pledges_due_on``), with how many of their members' pledges
    are not published either; and the own secretaries of general branches whose general-branch
    pledge is not published (a general branch pledges as a branch does, seed 第一阶段)."""
    from pledges.models import Pledge

    sent = 0
    for year in _running_years(today).filter(year=today.year, pledges_due_on__lt=today):
        published = Pledge.objects.for_year(year).public()
        branches = list(
            Branch.objects.active()
            .filter(committee_id=year.campaign.committee_id)
            .exclude(pk__in=published.branch_pledges().values("branch_id"))
            .annotate(
                unpublished_members=Count(
                    "members",
                    filter=~Q(members__pk__in=published.member_pledges().values("person_id")),
                    distinct=True,
                )
            )
            .order_by("pk")
        )
        general_branches = list(
            GeneralBranch.objects.filter(committee_id=year.campaign.committee_id, is_active=True)
            .exclude(pk__in=published.general_branch_pledges().values("general_branch_id"))
            .order_by("pk")
        )
        secretaries = secretary_users(b.pk for b in branches)
        general_secretaries = general_branch_secretary_users(g.pk for g in general_branches)
        # (unit, its secretaries, the reminder's subject, its members' unpublished pledges)
        late = [
            (b, secretaries.get(b.pk, []), f"pledge:{year.pk}:{b.pk}", b.unpublished_members)
            for b in branches
        ] + [
            (g, general_secretaries[g.pk], f"pledge:{year.pk}:general_branch:{g.pk}", 0)
            for g in general_branches
        ]
        for unit, users, subject, unpublished_members in late:
            message = _(
                "The %(year)s pledge of %(branch)s is not published yet; pledges were due on %(date)s."
            ) % {"year": year.year, "branch": unit.name, "date": year.pledges_due_on}
            if unpublished_members:
                message += " " + _("%(n)s members' pledges are not published either.") % {
                    "n": unpublished_members
                }
            sent += send_reminder(
                kind=ReminderLog.Kind.PLEDGE_UNPUBLISHED,
                subject=subject,
                users=users,
                message=message,
                link=reverse("pledges:list"),
                today=today,
            )
    return sent


def remind_news_reports(*, today: datetime.date) -> int:
    """Secretaries of branches, and the own secretaries of general branches, that have no news
    report (通讯报道) of their own this month yet (seed §六(四): 各总支、各支部…每月撰写不少于1篇
    通讯报道). Archived records do not count; a branch's report does not count for its general
    branch."""
    from activities.models import ActivityRecord, Kind

    month_start = today.replace(day=1)

    def unreported(units, owner: str) -> list:
        """Those of ``units`` (branches or general branches, ``owner`` the record's field for
        them) without a news report of their own this month."""
        reported = ActivityRecord.objects.active().filter(
            kind=Kind.NEWS_REPORT, held_on__gte=month_start, held_on__lte=today, **{f"{owner}__in": units}
        )
        return list(units.exclude(pk__in=reported.values(f"{owner}_id")).order_by("pk"))

    sent = 0
    month = f"{month_start:%Y-%m}"
    for year in _running_years(today).filter(year=today.year):
        committee_id = year.campaign.committee_id
        branches = unreported(Branch.objects.active().filter(committee_id=committee_id), "branch")
        general_branches = unreported(
            GeneralBranch.objects.filter(committee_id=committee_id, is_active=True), "general_branch"
        )
        secretaries = secretary_users(b.pk for b in branches)
        general_secretaries = general_branch_secretary_users(g.pk for g in general_branches)
        branch_message = _(
            "%(branch)s has no news report for %(month)s yet; each branch writes at least one a month."
        )
        general_message = _(
            "%(branch)s has no news report for %(month)s yet; each general branch writes at least one a month."
        )
        create = reverse("activities:create")
        # (unit, its secretaries, the reminder's subject, its message, where to write the report)
        missing = [
            (b, secretaries.get(b.pk, []), f"news:{b.pk}:{month}", branch_message, create) for b in branches
        ] + [
            (
                g,
                general_secretaries[g.pk],
                f"news:general_branch:{g.pk}:{month}",
                general_message,
                reverse("activities:create_gb_kind", args=[g.pk, Kind.NEWS_REPORT]),
            )
            for g in general_branches
        ]
        for unit, users, subject, message, link in missing:
            sent += send_reminder(
                kind=ReminderLog.Kind.NEWS_REPORT,
                subject=subject,
                users=users,
                message=message % {"branch": unit.name, "month": month},
                link=link,
                today=today,
            )
    return sent
