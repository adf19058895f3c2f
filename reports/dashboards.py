"""Reads for the dashboards (看板): figures of a campaign year per branch, for charts.

Three dashboards, one per kind of role:

- the office and the leading group (and the administrator): every branch of the institute —
  scores by criterion, compliance month by month, evaluation turnout, pledge fulfilment;
- a secretary: the same figures for the own branch (or the branches of the own general branch)
  and what it still owes;
- a member: the own commitments and their progress.

Everything is narrowed by the ``dashboard.view`` scope of the reader, so a secretary never sees
another branch's figures. Each dashboard costs a fixed number of queries whatever the number of
branches, members, records or ballots: the figures are aggregated in the database and the
computations of the other apps (compliance, pledge progress) are reused, not repeated.
Evaluation turnout is counts only: how many may vote and how many have voted, never who.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Case, Count, DecimalField, F, Q, Sum, Value, When
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.access import Access, Role
from activities.compliance import Status, compliance_table
from awards.models import BranchCriterion, RubricItem, ScoreItem, ScoreLine, ScoringRun, Subject
from branches.models import Branch
from campaigns.models import CampaignYear
from evaluations.models import Evaluation
from evaluations.selectors import evaluations_for
from pledges import selectors as pledge_selectors
from pledges.models import Pledge

PERMISSION = "dashboard.view"

# Which dashboard a role sees. Staff have none.
INSTITUTE, BRANCH, MEMBER = "institute", "branch", "member"
KIND_OF_ROLE = {
    Role.ADMIN: INSTITUTE,
    Role.LEADING_GROUP: INSTITUTE,
    Role.OFFICE: INSTITUTE,
    Role.SECRETARY: BRANCH,
    Role.MEMBER: MEMBER,
}
# The member's dashboard shows the own pledge only: it needs what the own pledge needs.
PERMISSION_OF_KIND = {INSTITUTE: PERMISSION, BRANCH: PERMISSION, MEMBER: "pledges.write_own"}

# On a radar without the institute's mean (a secretary's few branches), the branches beyond the
# first few start hidden; the office's radar shows the mean against one branch chosen in a select.
RADAR_SHOWN = 5


def dashboard_role(access: Access, wanted: str | None) -> str | None:
    """The role whose dashboard is shown: the one asked for (``?role=``) if the user holds it and
    it has a dashboard, else the widest such role, else None (staff only: no dashboard)."""
    roles = [r for r in access.roles if r in KIND_OF_ROLE]
    if wanted in roles:
        return wanted
    return roles[0] if roles else None


def dashboard_years(access: Access, kind: str):
    """The campaign years the dashboard may show: where the dashboard's permission reaches. For
    a member that is ``pledges.write_own`` over the own branch, so the years of the own
    institute."""
    return CampaignYear.objects.visible_to(access, PERMISSION_OF_KIND.get(kind, PERMISSION))


def branches_reached(access: Access, campaign_year: CampaignYear):
    """The active branches of the year's institute within the dashboard scope."""
    return access.restrict(Branch.objects.active(), PERMISSION, branch="").filter(
        committee_id=campaign_year.campaign.committee_id
    )


# --- scores -------------------------------------------------------------------------------------


def scoring_run_shown(campaign_year: CampaignYear) -> ScoringRun | None:
    """The approved run of the year, else the latest computed draft. One query."""
    runs = list(
        ScoringRun.objects.filter(campaign_year=campaign_year, state=ScoringRun.State.DONE).order_by(
            "-computed_at", "-pk"
        )
    )
    return next((r for r in runs if r.is_approved), runs[0] if runs else None)


def _percent(part, whole) -> float | None:
    return round(100 * float(part) / float(whole), 1) if whole else None


def branch_scores(*, access: Access, run: ScoringRun | None, institute: bool) -> dict | None:
    """The branches' scores of ``run`` by criterion: points (deductions subtracted, vetoes left
    out, as on a line's page), their maximum and the percentage, with the line's total and rank.
    ``institute`` adds the mean percentage of each criterion over the branches. Two queries."""
    if run is None:
        return None
    lines = access.restrict(
        ScoreLine.objects.filter(run=run, kind=Subject.BRANCH),
        PERMISSION,
        committee="run__campaign_year__campaign__committee",
    )
    rows = list(lines.select_related("branch").order_by("-total", "branch__sort_order", "branch__name_key"))
    zero = Value(Decimal("0"))
    sums = (
        ScoreItem.objects.filter(line__in=[r.pk for r in rows])
        .exclude(source=RubricItem.Source.VETO)
        .values("line_id", "criterion")
        .annotate(
            got=Sum(
                Case(
                    When(source=RubricItem.Source.DEDUCTION, then=-F("points")),
                    default=F("points"),
                    output_field=DecimalField(),
                )
            ),
            of=Sum(
                Case(
                    When(source=RubricItem.Source.DEDUCTION, then=zero),
                    default=F("max_points"),
                    output_field=DecimalField(),
                )
            ),
        )
        .order_by()
    )
    by_line = {(s["line_id"], s["criterion"]): s for s in sums}
    criteria = list(BranchCriterion.choices)
    table = []
    for line in rows:
        cells = []
        for code, _label in criteria:
            s = by_line.get((line.pk, code), {"got": Decimal("0"), "of": Decimal("0")})
            cells.append({"points": s["got"], "max": s["of"], "percent": _percent(s["got"], s["of"])})
        table.append({"line": line, "branch": line.branch, "cells": cells})
    average = []
    for i in range(len(criteria)):
        values = [row["cells"][i]["percent"] for row in table if row["cells"][i]["percent"] is not None]
        average.append(round(sum(values) / len(values), 1) if values else None)
    chart = {
        "branches": [row["branch"].name for row in table],
        "criteria": [str(label) for _code, label in criteria],
        "points": [[float(c["points"]) for c in row["cells"]] for row in table],
        "percent": [[c["percent"] for c in row["cells"]] for row in table],
        "shown": RADAR_SHOWN,
    }
    if institute and table:
        chart["average"] = average
        chart["average_label"] = _("Mean of the branches")
    return {
        "run": run,
        "criteria": [label for _code, label in criteria],
        "rows": table,
        "average": average if institute else None,
        "chart": chart,
    }


# --- compliance ---------------------------------------------------------------------------------


def compliance_months(table, today: datetime.date) -> dict:
    """Month by month, how many branches stand where (the worst status of the month's cell, as on
    the compliance grid) and the share *in order*: nothing overdue. Only a month that is over has
    a share: the month now running is neither in order nor late yet (its cells are "in progress"
    on the grid, counted here with what is due now). No query: ``table`` is the compliance table."""
    months = []
    for month in range(1, 13):
        counts = defaultdict(int)
        for row in table.rows:
            counts[row.months[month - 1].status or "none"] += 1
        total = len(table.rows)
        next_month = datetime.date(table.year + month // 12, month % 12 + 1, 1)
        over = next_month <= today
        in_order = total - counts[Status.OVERDUE]
        months.append(
            {
                "month": datetime.date(table.year, month, 1),
                "met": counts[Status.MET] + counts["none"],
                "due": counts[Status.DUE] + counts[Status.IN_PROGRESS],
                "overdue": counts[Status.OVERDUE],
                "future": counts[Status.FUTURE],
                "in_order": in_order if over else None,
                "percent": _percent(in_order, total) if over else None,
            }
        )
    return {
        "months": months,
        "branch_total": len(table.rows),
        "chart": {
            "labels": [_("Month %(month)s") % {"month": m["month"].month} for m in months],
            "percent": [m["percent"] for m in months],
            "label": _("Branches in order (%)"),
        },
    }


# --- evaluation turnout -------------------------------------------------------------------------


def evaluation_turnout(*, access: Access, campaign_year: CampaignYear) -> dict:
    """Per evaluation of the year within reach (opened or closed): how many may vote, how many
    have voted. Counts only. One query."""
    rows = list(
        evaluations_for(access, PERMISSION)
        .filter(campaign_year=campaign_year)
        .exclude(status=Evaluation.Status.DRAFT)
        .annotate(eligible=Count("voters"), voted=Count("voters", filter=Q(voters__has_voted=True)))
        .order_by("opens_on", "pk")
    )
    for row in rows:
        row.percent = _percent(row.voted, row.eligible)
    return {
        "rows": rows,
        "chart": {
            "labels": [e.title for e in rows],
            "percent": [e.percent for e in rows],
            "label": _("Turnout (%)"),
        },
    }


# --- pledge fulfilment --------------------------------------------------------------------------


def pledge_fulfilment(*, access: Access, campaign_year: CampaignYear, branches: list) -> dict:
    """Per branch, the published branch pledge and the published member pledges written there:
    mean progress (the pledges app's roll-up, computed in the database) and how many of their
    milestones or commitments are complete. Two queries."""
    live = access.restrict(
        Pledge.objects.for_year(campaign_year).filter(
            status__in=(Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)
        ),
        PERMISSION,
    ).filter(branch__in=[b.pk for b in branches])
    per_pledge = (
        pledge_selectors.with_progress(live)
        .values("branch_id", "kind")
        .annotate(pledges=Count("pk"), mean=Avg("progress"))
        .order_by()
    )
    per_item = (
        pledge_selectors.items_with_progress()
        .filter(pledge__in=live)
        .values("pledge__branch_id", "pledge__kind")
        .annotate(items=Count("pk"), done=Count("pk", filter=Q(progress__gte=100)))
        .order_by()
    )
    figures: dict[tuple, dict] = defaultdict(lambda: {"pledges": 0, "progress": None, "items": 0, "done": 0})
    for row in per_pledge:
        f = figures[(row["branch_id"], row["kind"])]
        f["pledges"] = row["pledges"]
        f["progress"] = round(row["mean"], 1) if row["mean"] is not None else None
    for row in per_item:
        f = figures[(row["pledge__branch_id"], row["pledge__kind"])]
        f["items"], f["done"] = row["items"], row["done"]
    rows = []
    for branch in branches:
        own = figures.get((branch.pk, Pledge.Kind.BRANCH))
        members = figures.get((branch.pk, Pledge.Kind.MEMBER))
        rows.append({"branch": branch, "branch_pledge": own, "members": members})

    def total(kind):
        chosen = [f for (_b, k), f in figures.items() if k == kind and f["pledges"]]
        pledges = sum(f["pledges"] for f in chosen)
        items = sum(f["items"] for f in chosen)
        done = sum(f["done"] for f in chosen)
        weighted = sum(f["progress"] * f["pledges"] for f in chosen if f["progress"] is not None)
        return {
            "pledges": pledges,
            "items": items,
            "done": done,
            "done_percent": _percent(done, items),
            "progress": round(weighted / pledges, 1) if pledges else None,
        }

    return {
        "rows": rows,
        "branch_total": total(Pledge.Kind.BRANCH),
        "member_total": total(Pledge.Kind.MEMBER),
        "chart": {
            "labels": [r["branch"].name for r in rows],
            "series": [
                {
                    "label": _("Branch pledge progress (%)"),
                    "data": [r["branch_pledge"]["progress"] if r["branch_pledge"] else None for r in rows],
                },
                {
                    "label": _("Members' pledges, mean progress (%)"),
                    "data": [r["members"]["progress"] if r["members"] else None for r in rows],
                },
            ],
        },
    }


# --- the dashboards -----------------------------------------------------------------------------


def branches_dashboard(
    *, access: Access, campaign_year: CampaignYear, kind: str, today: datetime.date
) -> dict:
    """The office's and leading group's dashboard (``kind`` INSTITUTE) or a secretary's (BRANCH):
    the same figures, each narrowed to the reader's scope; a secretary also sees what the branch
    still owes."""
    table = compliance_table(
        campaign_year=campaign_year, branches=branches_reached(access, campaign_year), today=today
    )
    branches = [row.branch for row in table.rows]
    run = scoring_run_shown(campaign_year)
    return {
        "kind": kind,
        "branch_count": len(branches),
        "scores": branch_scores(access=access, run=run, institute=kind == INSTITUTE),
        "compliance": compliance_months(table, today),
        "owing": table.rows if kind == BRANCH else None,
        "turnout": evaluation_turnout(access=access, campaign_year=campaign_year),
        "pledges": pledge_fulfilment(access=access, campaign_year=campaign_year, branches=branches),
    }


def member_dashboard(*, access: Access, campaign_year: CampaignYear) -> dict:
    """The member's own pledge of the year, its commitments and their progress: what the member's
    home page shows (``pledges.selectors.home_context``), as a chart."""
    context = pledge_selectors.home_context(access=access, role=Role.MEMBER, campaign_year=campaign_year)
    pledge = context.get("my_pledge")
    items = context.get("my_pledge_items", [])
    public = pledge is not None and pledge.is_public
    return {
        "kind": MEMBER,
        "pledge": pledge,
        "public": public,
        "items": items,
        "done": sum(1 for i in items if i.progress >= 100),
        "chart": {
            "labels": [Truncator(i.text).chars(24) for i in items],
            "percent": [i.progress for i in items],
            "label": _("Progress (%)"),
        }
        if public and items
        else None,
    }
