"""Automatic indicators: pure functions registered by code.

Each takes the item's maximum and parameters and the facts gathered for one branch or member
(``BranchFacts`` / ``MemberFacts``, loaded in bulk by ``awards.scoring.compute``) and returns
``(points, explanation, evidence)`` where evidence is a list of ``(label, url)`` pairs: the
records behind the figure. Points are clamped to [0, max] by the caller.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import Grade
from pledges.models import PledgeReview

from .aggregation import q2

Evidence = list[tuple[str, str]]

_PLACEHOLDER = 987654321


@functools.lru_cache(maxsize=32)
def _url_template(name: str) -> str:
    return reverse(name, args=[_PLACEHOLDER])


def object_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL whose one argument is a primary key, resolved once
    per name: a scoring run of a group asks for a few hundred thousand of them."""
    return _url_template(name).replace(str(_PLACEHOLDER), str(pk))


@dataclass
class Period:
    kind: str
    label: str
    required: int
    recorded: int


@dataclass
class BranchFacts:
    periods: list[Period] = field(default_factory=list)  # periods ended by the as-of date
    records: dict[str, list[tuple[int, datetime.date, str]]] = field(default_factory=dict)
    pledge_id: int | None = None
    pledge_published_on: datetime.date | None = None
    inspections: list[dict] = field(default_factory=list)


@dataclass
class MemberFacts:
    pledge_id: int | None = None
    pledge_published: bool = False
    review_result: str | None = None
    reviews: list[tuple[int, str, str]] = field(default_factory=list)  # (pk, label, status)
    grade: str | None = None
    appraisal_id: int | None = None


@dataclass
class Context:
    year: int
    as_of: datetime.date
    pledges_due_on: datetime.date


def _records(facts: BranchFacts, kinds, limit=12) -> Evidence:
    evidence = []
    for kind in kinds:
        for pk, held_on, title in facts.records.get(kind, [])[:limit]:
            evidence.append((f"{held_on:%Y-%m-%d} {title}", object_url("activities:detail", pk)))
    return evidence


def _ratio(facts: BranchFacts, kinds) -> tuple[int, int]:
    done = sum(min(p.recorded, p.required) for p in facts.periods if p.kind in kinds)
    owed = sum(p.required for p in facts.periods if p.kind in kinds)
    return done, owed


MEETING_KINDS = ["general_meeting", "committee_meeting", "group_meeting", "party_class"]


def meetings_ratio(max_points: Decimal, params: dict, facts: BranchFacts, ctx: Context):
    kinds = params.get("kinds") or MEETING_KINDS
    done, owed = _ratio(facts, kinds)
    if not owed:
        return max_points, _("Nothing was owed by %(date)s.") % {"date": ctx.as_of}, _records(facts, kinds)
    points = q2(max_points * done / owed)
    text = _("%(done)s of %(owed)s required meetings held by %(date)s: %(max)s × %(done)s / %(owed)s.") % {
        "done": done,
        "owed": owed,
        "date": ctx.as_of,
        "max": max_points,
    }
    return points, text, _records(facts, kinds)


def news_report_months(max_points: Decimal, params: dict, facts: BranchFacts, ctx: Context):
    months = [p for p in facts.periods if p.kind == "news_report"]
    met = sum(1 for p in months if p.recorded >= p.required)
    if not months:
        return max_points, _("No month had ended by %(date)s.") % {"date": ctx.as_of}, []
    points = q2(max_points * met / len(months))
    missing = ", ".join(p.label for p in months if p.recorded < p.required) or "—"
    text = _("%(met)s of %(n)s months with a news report (missing: %(missing)s).") % {
        "met": met,
        "n": len(months),
        "missing": missing,
    }
    return points, text, _records(facts, ["news_report"])


def _held(kind, label):
    def indicator(max_points: Decimal, params: dict, facts: BranchFacts, ctx: Context):
        records = [r for r in facts.records.get(kind, []) if r[1] <= ctx.as_of]
        if records:
            return (
                max_points,
                _("%(what)s held on %(date)s.") % {"what": label, "date": records[0][1]},
                _records(facts, [kind]),
            )
        return Decimal("0"), _("No %(what)s recorded by %(date)s.") % {"what": label, "date": ctx.as_of}, []

    return indicator


def pledge_published_on_time(max_points: Decimal, params: dict, facts: BranchFacts, ctx: Context):
    late_share = Decimal(str(params.get("late_share", "0.5")))
    evidence = (
        [(_("Branch pledge"), object_url("pledges:detail", facts.pledge_id))] if facts.pledge_id else []
    )
    if facts.pledge_published_on is None:
        return Decimal("0"), _("The branch pledge was not published."), evidence
    if facts.pledge_published_on <= ctx.pledges_due_on:
        text = _("Published on %(date)s, due by %(due)s.") % {
            "date": facts.pledge_published_on,
            "due": ctx.pledges_due_on,
        }
        return max_points, text, evidence
    text = _("Published late on %(date)s (due by %(due)s): %(share)s of the points.") % {
        "date": facts.pledge_published_on,
        "due": ctx.pledges_due_on,
        "share": late_share,
    }
    return q2(max_points * late_share), text, evidence


def findings_closed_on_time(max_points: Decimal, params: dict, facts: BranchFacts, ctx: Context):
    due = [i for i in facts.inspections if i["due"] is not None and i["due"] <= ctx.as_of]
    evidence = [
        (
            f"{i['inspected_on']:%Y-%m-%d} {_('Inspection')}",
            object_url("supervision:inspection_detail", i["pk"]),
        )
        for i in due
    ]
    if not due:
        return (
            max_points,
            _("No findings were due for rectification by %(date)s.") % {"date": ctx.as_of},
            evidence,
        )
    on_time = sum(1 for i in due if i["closed_on"] is not None and i["closed_on"] <= i["due"])
    text = _("%(ok)s of %(n)s findings closed by their deadline.") % {"ok": on_time, "n": len(due)}
    return q2(max_points * on_time / len(due)), text, evidence


RESULT_SHARE = {"fulfilled": Decimal("1"), "partly": Decimal("0.5"), "not_fulfilled": Decimal("0")}


def pledge_fulfilment(max_points: Decimal, params: dict, facts: MemberFacts, ctx: Context):
    evidence = (
        [(_("Member pledge"), object_url("pledges:detail", facts.pledge_id))] if facts.pledge_id else []
    )
    if facts.review_result is None:
        return Decimal("0"), _("The pledge has no review result yet."), evidence
    share = Decimal(str(params.get(facts.review_result, RESULT_SHARE[facts.review_result])))
    return (
        q2(max_points * share),
        _("Pledge review: %(result)s.") % {"result": PledgeReview.Result(facts.review_result).label},
        evidence,
    )


def pledge_published(max_points: Decimal, params: dict, facts: MemberFacts, ctx: Context):
    evidence = (
        [(_("Member pledge"), object_url("pledges:detail", facts.pledge_id))] if facts.pledge_id else []
    )
    if facts.pledge_published:
        return max_points, _("The pledge was published."), evidence
    return Decimal("0"), _("The pledge was not published."), evidence


def review_acknowledged(max_points: Decimal, params: dict, facts: MemberFacts, ctx: Context):
    evidence = [(label, object_url("supervision:review_detail", pk)) for pk, label, _status in facts.reviews]
    written = [r for r in facts.reviews if r[2] in ("written", "acknowledged")]
    if not written:
        return max_points, _("No semi-annual review was written yet."), evidence
    done = sum(1 for r in written if r[2] == "acknowledged")
    text = _("%(done)s of %(n)s semi-annual reviews acknowledged.") % {"done": done, "n": len(written)}
    return q2(max_points * done / len(written)), text, evidence


GRADE_SHARE = {"excellent": "1", "competent": "0.8", "basically_competent": "0.4", "incompetent": "0"}


def appraisal_grade(max_points: Decimal, params: dict, facts: MemberFacts, ctx: Context):
    evidence = (
        [(_("Democratic appraisal"), object_url("evaluations:appraisal_detail", facts.appraisal_id))]
        if facts.appraisal_id
        else []
    )
    if facts.grade is None:
        return Decimal("0"), _("No appraisal grade."), evidence
    share = Decimal(str(params.get(facts.grade, GRADE_SHARE[facts.grade])))
    return (
        q2(max_points * share),
        _("Appraisal grade: %(grade)s (× %(share)s).") % {"grade": Grade(facts.grade).label, "share": share},
        evidence,
    )


BRANCH_INDICATORS = {
    "meetings_ratio": (gettext_lazy("三会一课 held against required"), meetings_ratio),
    "news_report_months": (gettext_lazy("Months with a news report"), news_report_months),
    "lecture_given": (
        gettext_lazy("Secretary's party lecture given"),
        _held("secretary_lecture", gettext_lazy("Secretary's party lecture")),
    ),
    "reading_review_held": (
        gettext_lazy("Reading-notes review held"),
        _held("reading_review", gettext_lazy("Reading-notes review")),
    ),
    "pledge_published_on_time": (gettext_lazy("Pledge published on time"), pledge_published_on_time),
    "findings_closed_on_time": (gettext_lazy("Inspection findings closed on time"), findings_closed_on_time),
}
MEMBER_INDICATORS = {
    "pledge_published": (gettext_lazy("Pledge published"), pledge_published),
    "pledge_fulfilment": (gettext_lazy("Pledge fulfilment"), pledge_fulfilment),
    "review_acknowledged": (gettext_lazy("Semi-annual reviews acknowledged"), review_acknowledged),
    "appraisal_grade": (gettext_lazy("Democratic appraisal grade"), appraisal_grade),
}
# Automatic vetoes (source "veto" with an indicator): return a reason or None.
VETOES = {
    "appraisal_below_competent": gettext_lazy("Appraisal grade below competent"),
}
INDICATOR_CHOICES = [(k, v[0]) for k, v in {**BRANCH_INDICATORS, **MEMBER_INDICATORS}.items()] + list(
    VETOES.items()
)
