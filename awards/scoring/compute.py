"""One scoring run: gather the facts of every branch and member of an institute in bulk (a fixed
number of queries, however many branches and members), score them with the pure functions of
``indicators`` and ``aggregation``, and write the snapshot.

Deterministic: the same records, rubric, settings and ``as_of`` date give the same snapshot.
Only periods ended by ``as_of`` and records dated by then count.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import JSONField, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.compliance import compliance_table
from activities.models import ActivityRecord
from branches.models import Branch, GeneralBranch, Person
from evaluations.models import Appraisal, AppraisalGrade, BallotCount, Evaluation, Grade, RatingCount
from pledges.models import Pledge
from supervision.models import Inspection, Review

from ..models import GeneralBranchLine, RubricItem, ScoreEntry, ScoreItem, ScoreLine, ScoringRun, Subject
from ..selectors import rubric_for, settings_for
from . import aggregation as agg
from .indicators import (
    BRANCH_INDICATORS,
    MEMBER_INDICATORS,
    VETOES,
    BranchFacts,
    Context,
    MemberFacts,
    Period,
    object_url,
)

BELOW_COMPETENT = (Grade.BASIC, Grade.INCOMPETENT)


def _branch_facts(campaign_year, branches, as_of) -> dict[int, BranchFacts]:
    facts = {b.pk: BranchFacts() for b in branches}
    table = compliance_table(
        campaign_year=campaign_year, branches=Branch.objects.filter(pk__in=list(facts)), today=as_of
    )
    for row in table.rows:
        for item in row.items:
            if item.span.end <= as_of:
                label = item.span.label + (f" {item.party_group.name}" if item.party_group else "")
                facts[row.branch.pk].periods.append(Period(item.kind, label, item.required, item.recorded))
    year = campaign_year.year
    for pk, branch_id, kind, held_on, title in (
        ActivityRecord.objects.active()
        .filter(branch_id__in=list(facts), held_on__gte=datetime.date(year, 1, 1), held_on__lte=as_of)
        .order_by("held_on", "pk")
        .values_list("pk", "branch_id", "kind", "held_on", "title")
    ):
        facts[branch_id].records.setdefault(kind, []).append((pk, held_on, title))
    for pledge in (
        Pledge.objects.branch_pledges()
        .for_year(campaign_year)
        .filter(branch_id__in=list(facts), status__in=[Pledge.Status.PUBLISHED, Pledge.Status.CLOSED])
        .annotate(first=Min("publications__published_on", filter=Q(publications__quarter__isnull=True)))
    ):
        facts[pledge.branch_id].pledge_id = pledge.pk
        facts[pledge.branch_id].pledge_published_on = pledge.first
    for row in (
        Inspection.objects.for_year(campaign_year)
        .filter(branch_id__in=list(facts))
        .exclude(findings="")
        .order_by("inspected_on", "pk")
        .values("pk", "branch_id", "inspected_on", "rectification_due", "status", "closed_at")
    ):
        closed = row["closed_at"]
        facts[row["branch_id"]].inspections.append(
            {
                "pk": row["pk"],
                "inspected_on": row["inspected_on"],
                "due": row["rectification_due"],
                "closed_on": timezone.localdate(closed)
                if closed and row["status"] == Inspection.Status.CLOSED
                else None,
            }
        )
    return facts


def _member_facts(campaign_year, members) -> dict[int, MemberFacts]:
    facts = {p.pk: MemberFacts() for p in members}
    for pledge in (
        Pledge.objects.member_pledges()
        .for_year(campaign_year)
        .filter(person_id__in=list(facts), status__in=[Pledge.Status.PUBLISHED, Pledge.Status.CLOSED])
        .select_related("review")
    ):
        f = facts[pledge.person_id]
        f.pledge_id, f.pledge_published = pledge.pk, True
        review = getattr(pledge, "review", None)
        f.review_result = review.result if review is not None and review.result else None
    for review in (
        Review.objects.filter(round__campaign_year=campaign_year, person_id__in=list(facts))
        .select_related("round")
        .order_by("round__half", "pk")
    ):
        facts[review.person_id].reviews.append((review.pk, review.round.get_half_display(), review.status))
    for grade in AppraisalGrade.objects.filter(
        appraisal__campaign_year=campaign_year,
        appraisal__status=Appraisal.Status.CLOSED,
        person_id__in=list(facts),
    ):
        facts[grade.person_id].grade = grade.grade
        facts[grade.person_id].appraisal_id = grade.appraisal_id
    return facts


def _ratings(campaign_year, settings) -> tuple[dict, dict]:
    """Pooled counts per option and raters, for branches (key ("b", id)) and members ("p", id),
    from the year's closed evaluations; only targets with at least the evaluation's minimum of
    ballots count (the anonymity floor)."""
    evaluations = Evaluation.objects.filter(campaign_year=campaign_year, status=Evaluation.Status.CLOSED)
    raters: dict = defaultdict(int)
    shown = set()
    for target_id, branch_id, person_id, count, minimum in BallotCount.objects.filter(
        target__evaluation__in=evaluations
    ).values_list(
        "target_id", "target__branch_id", "target__person_id", "count", "target__evaluation__min_ballots"
    ):
        if count >= minimum:
            shown.add(target_id)
            raters[("p", person_id) if person_id else ("b", branch_id)] += count
    counts: dict = defaultdict(lambda: defaultdict(int))
    for _target, branch_id, person_id, option, n in RatingCount.objects.filter(
        target_id__in=shown
    ).values_list("target_id", "target__branch_id", "target__person_id", "option", "count"):
        counts[("p", person_id) if person_id else ("b", branch_id)][option] += n
    return counts, raters


def _entries(rubric_items) -> dict:
    entries = defaultdict(list)
    for e in ScoreEntry.objects.filter(item__in=rubric_items, withdrawn=False).order_by("pk"):
        entries[(e.item_id, ("p", e.person_id) if e.person_id else ("b", e.branch_id))].append(e)
    return entries


def _entry_evidence(entry) -> list:
    evidence = []
    if entry.evidence_url:
        evidence.append([entry.reason[:80], entry.evidence_url])
    if entry.evidence_file:
        evidence.append(
            [entry.evidence_name or _("Evidence file"), object_url("awards:entry_file", entry.pk)]
        )
    if not evidence:
        evidence.append([entry.reason[:80], ""])
    return evidence


def _nothing_entered(ctx) -> str:
    text = getattr(ctx, "_nothing_entered", None)
    if text is None:
        text = ctx._nothing_entered = _("Nothing entered.")
    return text


def _score_subject(key, items, facts, ctx, entries, indicators):
    """(ItemScore list, ScoreItem kwargs list, reasons) for one branch or member."""
    scores, rows, reasons = [], [], []
    for order, item in enumerate(items):
        max_points = Decimal(item.max_points)
        explanation, evidence = "", []
        if item.source == RubricItem.Source.INDICATOR:
            fn = indicators.get(item.indicator)
            if fn is None:
                raw, explanation = Decimal("0"), _("Unknown indicator “%(code)s”.") % {"code": item.indicator}
            else:
                raw, explanation, evidence = fn[1](max_points, item.params or {}, facts, ctx)
        elif item.source == RubricItem.Source.VETO:
            raw = Decimal("0")
            if item.indicator == "appraisal_below_competent":
                if getattr(facts, "grade", None) in BELOW_COMPETENT:
                    explanation = str(VETOES[item.indicator])
                    reasons.append(f"{item.label}: {Grade(facts.grade).label}")
            for e in entries.get((item.pk, key), []):
                reasons.append(f"{item.label}: {e.reason}")
                evidence += _entry_evidence(e)
                explanation = e.reason
        else:
            found = entries.get((item.pk, key), [])
            raw = sum((Decimal(e.points) for e in found), Decimal("0"))
            # Most subjects have no entry: translate that text once per run, not once per item.
            explanation = "; ".join(f"{e.points}: {e.reason}" for e in found) or _nothing_entered(ctx)
            for e in found:
                evidence += _entry_evidence(e)
        points = agg.item_points(raw, max_points)
        scores.append(agg.ItemScore(str(item.pk), points, max_points, item.source))
        rows.append(
            {
                "rubric_item": item,
                "criterion": item.criterion,
                "name": item.label,  # copied in the run's language: a snapshot
                "source": item.source,
                "points": points,
                "max_points": max_points,
                "explanation": explanation,
                "evidence": [list(e) for e in evidence],
                "sort_order": order,
            }
        )
    return scores, rows, reasons


ITEM_FIELDS = [
    "line_id",
    "rubric_item_id",
    "criterion",
    "name",
    "source",
    "points",
    "max_points",
    "explanation",
    "evidence",
    "sort_order",
]


def _write(lines: list[ScoreLine], item_rows: list[list[dict]]) -> None:
    """Store the snapshot. On PostgreSQL with COPY (a group's run is a million items; building
    and compiling a model instance per item took most of the run), elsewhere with bulk_create."""
    if connection.vendor != "postgresql":
        ScoreLine.objects.bulk_create(lines)
        ScoreItem.objects.bulk_create(
            ScoreItem(line=line, **row) for line, rows in zip(lines, item_rows, strict=True) for row in rows
        )
        return
    from psycopg.types.json import Jsonb

    line_table = ScoreLine._meta.db_table
    fields = ScoreLine._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [line_table, len(lines)],
        )
        for line, (pk,) in zip(lines, cursor.fetchall(), strict=True):
            line.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        json = [isinstance(f, JSONField) for f in fields]
        with cursor.copy(f"COPY {connection.ops.quote_name(line_table)} ({columns}) FROM STDIN") as copy:
            for line in lines:
                copy.write_row(
                    [
                        Jsonb(getattr(line, f.attname)) if is_json else getattr(line, f.attname)
                        for f, is_json in zip(fields, json, strict=True)
                    ]
                )
        columns = ", ".join(
            connection.ops.quote_name(ScoreItem._meta.get_field(f.removesuffix("_id")).column)
            for f in ITEM_FIELDS
        )
        table = connection.ops.quote_name(ScoreItem._meta.db_table)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for line, rows in zip(lines, item_rows, strict=True):
                for row in rows:
                    copy.write_row(
                        (
                            line.pk,
                            row["rubric_item"].pk,
                            row["criterion"],
                            row["name"],
                            row["source"],
                            row["points"],
                            row["max_points"],
                            row["explanation"],
                            Jsonb(row["evidence"]),
                            row["sort_order"],
                        )
                    )


def _general_branch_lines(run: ScoringRun, committee_id: int, lines: list[ScoreLine]) -> list:
    """One line per general branch of the institute: the mean of its branches' totals (see
    ``GeneralBranchLine``), ranked among the institute's general branches; one query."""
    by_unit: dict[str, list[ScoreLine]] = defaultdict(list)
    for line in lines:
        if line.kind == Subject.BRANCH:
            by_unit[line.quota_unit].append(line)
    ids = {int(unit[3:]) for unit in by_unit if unit.startswith("gb:")}
    general_branches = GeneralBranch.objects.filter(
        Q(committee_id=committee_id, is_active=True) | Q(pk__in=ids)
    )
    result = []
    for gb in general_branches.order_by("pk"):
        branch_lines = by_unit.get(f"gb:{gb.pk}", [])
        total = agg.general_branch_mean([line.total for line in branch_lines])
        result.append(
            GeneralBranchLine(
                run=run,
                general_branch=gb,
                category=gb.category,
                total=total,
                branches=len(branch_lines),
                flagged=sum(1 for line in branch_lines if not line.eligible),
                eligible=total is not None,
                reasons=[] if total is not None else [_("None of its branches was scored.")],
            )
        )
    ranks = agg.rank([(id(gl), gl.total or Decimal("0"), gl.eligible) for gl in result])
    for gl in result:
        gl.rank = ranks[id(gl)] if gl.eligible else None
    return result


def compute(run: ScoringRun) -> int:
    """Fill the (empty, draft) ``run``. Returns the number of lines written."""
    campaign_year = run.campaign_year
    committee_id = campaign_year.campaign.committee_id
    rubrics = {kind: rubric_for(campaign_year=campaign_year, kind=kind) for kind in Subject.values}
    items = {
        kind: list(RubricItem.objects.filter(rubric=rubric).order_by("sort_order", "pk"))
        for kind, rubric in rubrics.items()
    }
    settings = settings_for(campaign_year=campaign_year)
    points_map = {k: Decimal(str(v)) for k, v in settings.satisfaction_points.items()}
    ctx = Context(year=campaign_year.year, as_of=run.as_of, pledges_due_on=campaign_year.pledges_due_on)

    branches = list(
        Branch.objects.active()
        .filter(committee_id=committee_id)
        .select_related("general_branch")
        .order_by("pk")
    )
    members = list(Person.objects.members().filter(branch__in=[b.pk for b in branches]).order_by("pk"))
    by_branch = {b.pk: b for b in branches}
    bfacts = _branch_facts(campaign_year, branches, run.as_of)
    mfacts = _member_facts(campaign_year, members)
    counts, raters = _ratings(campaign_year, settings)
    entries = _entries(items[Subject.BRANCH] + items[Subject.MEMBER])

    lines, item_rows = [], []
    subjects = [(Subject.BRANCH, ("b", b.pk), b, None, bfacts[b.pk]) for b in branches] + [
        (Subject.MEMBER, ("p", p.pk), by_branch[p.branch_id], p, mfacts[p.pk]) for p in members
    ]
    for kind, key, branch, person, facts in subjects:
        indicators = BRANCH_INDICATORS if kind == Subject.BRANCH else MEMBER_INDICATORS
        scores, rows, reasons = _score_subject(key, items[kind], facts, ctx, entries, indicators)
        if kind == Subject.BRANCH:
            if facts.pledge_published_on is None:
                reasons.append(_("The branch pledge was not published."))
            weights = (settings.branch_rubric_weight, settings.branch_evaluation_weight)
        else:
            if not facts.pledge_published:
                reasons.append(_("The member's pledge was not published."))
            if facts.grade is None:
                reasons.append(_("No democratic appraisal grade (at least competent is required)."))
            elif facts.grade in BELOW_COMPETENT and not any(
                i.indicator == "appraisal_below_competent" for i in items[kind]
            ):
                reasons.append(
                    _("Appraisal grade below competent: %(grade)s.") % {"grade": Grade(facts.grade).label}
                )
            weights = (settings.member_rubric_weight, settings.member_evaluation_weight)
        stats = agg.rating_stats(
            counts.get(key, {}), points_map, trim=settings.trim_extremes, raters=raters.get(key)
        )
        result = agg.score(
            scores, stats.used, rubric_weight=weights[0], evaluation_weight=weights[1], reasons=reasons
        )
        gb = branch.general_branch_id
        line = ScoreLine(
            run=run,
            kind=kind,
            branch=branch,
            person=person,
            category=branch.category,
            quota_unit=f"gb:{gb}" if gb else f"b:{branch.pk}",
            rubric_points=result.rubric_points,
            rubric_max=result.rubric_max,
            rubric_percent=result.rubric_percent,
            eval_used=stats.used,
            eval_mean=stats.mean,
            eval_median=stats.median,
            eval_raters=stats.raters,
            eval_ratings=stats.ratings,
            eval_trimmed=stats.trimmed,
            total=result.total,
            eligible=result.eligible,
            reasons=result.reasons,
        )
        lines.append(line)
        item_rows.append(rows)
    for kind in Subject.values:
        for category in {line.category for line in lines if line.kind == kind}:
            group = [line for line in lines if line.kind == kind and line.category == category]
            ranks = agg.rank([(id(line), line.total, line.eligible) for line in group])
            for line in group:
                line.rank = ranks[id(line)]
    _write(lines, item_rows)
    GeneralBranchLine.objects.bulk_create(_general_branch_lines(run, committee_id, lines))
    run.rubric_versions = {kind: rubric.version for kind, rubric in rubrics.items()}
    run.settings_used = {
        "branch_weights": [str(settings.branch_rubric_weight), str(settings.branch_evaluation_weight)],
        "member_weights": [str(settings.member_rubric_weight), str(settings.member_evaluation_weight)],
        "satisfaction_points": settings.satisfaction_points,
        "trim_extremes": settings.trim_extremes,
    }
    return len(lines)
