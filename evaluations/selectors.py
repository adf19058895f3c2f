"""Reads for the evaluations pages. Each page costs a fixed number of queries, however many
branches, members or voters an evaluation has."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.access import Access, Role
from branches.models import Branch, Person
from core.counts import counted

from . import sealing
from .models import (
    Appraisal,
    AppraisalGrade,
    AppraisalTally,
    AppraisalVoter,
    Criterion,
    Evaluation,
    FreeText,
    Grade,
    PooledBallot,
    RatingCount,
    Satisfaction,
    Subject,
    Suggestion,
    Target,
    Voter,
)

# --- Scopes -----------------------------------------------------------------------------


def evaluations_for(access: Access, permission: str):
    """The evaluations ``permission`` reaches: the institute's for the office and the leading
    group, those evaluating the own branch (or its members) for a secretary."""
    reached = access.restrict(
        Evaluation.objects.all(), permission, branch="targets__branch", committee="committee"
    )
    return Evaluation.objects.filter(pk__in=reached.values("pk"))


def evaluation_list(access: Access, permission: str):
    """The evaluations of the list page: those ``permission`` reaches once opened, and the
    drafts too where the reader runs them (``evaluations.manage``)."""
    evaluations = evaluations_for(access, permission).exclude(status=Evaluation.Status.DRAFT)
    evaluations = evaluations | evaluations_for(access, "evaluations.manage")
    return evaluations.select_related("campaign_year").order_by("-opens_on", "title")


def my_rolls(access: Access) -> tuple[list[Voter], list[AppraisalVoter]]:
    """The rolls the person is on: of the evaluations opened in their scope (newest first) and
    of the appraisals at the self-assessment stage (each writes their own) or whose vote has
    begun."""
    person = access.person
    if person is None:
        return [], []
    evaluations = access.restrict(
        Evaluation.objects.all(), "evaluations.vote", branch="", committee="committee"
    ).exclude(status=Evaluation.Status.DRAFT)
    rolls = (
        Voter.objects.filter(person=person, evaluation__in=evaluations)
        .select_related("evaluation")
        .order_by("-evaluation__closes_on", "evaluation__pk")
    )
    appraisal_rolls = (
        AppraisalVoter.objects.filter(person=person)
        .exclude(appraisal__status=Appraisal.Status.PEER_ASSESSMENT)
        .select_related("appraisal__branch", "appraisal__campaign_year")
        .order_by("-appraisal__campaign_year__year")
    )
    rolls = list(rolls)
    pooled = pooled_evaluations(person, [r.evaluation for r in rolls if not r.has_voted])
    for roll in rolls:  # a ballot waiting in the mixing pool is cast (shown only, never saved)
        roll.has_voted = roll.has_voted or roll.evaluation_id in pooled
    return rolls, list(appraisal_rolls)


def pooled_evaluations(person: Person, evaluations) -> set[int]:
    """The ids of those of ``evaluations`` (open ones; closed pools are empty) where ``person``'s
    ballot waits in the mixing pool: one query, none when no evaluation is open."""
    ids = [e.pk for e in evaluations if e.status == Evaluation.Status.OPEN]
    if not ids:
        return set()
    tags = [tag for pk in ids for tag in sealing.tags(pk, person.pk)]
    return set(
        PooledBallot.objects.filter(evaluation_id__in=ids, tag__in=tags).values_list(
            "evaluation_id", flat=True
        )
    )


def has_voted(evaluation: Evaluation, person: Person) -> bool:
    """Marked on the roll, or the ballot waits in the mixing pool."""
    return evaluation.voters.filter(
        person=person, has_voted=True
    ).exists() or evaluation.pk in pooled_evaluations(person, [evaluation])


def targets_for(access: Access, permission: str, evaluation: Evaluation):
    return access.restrict(
        Target.objects.filter(evaluation=evaluation), permission, committee="evaluation__committee"
    )


def suggestions_for(access: Access, permission: str):
    return access.restrict(Suggestion.objects.all(), permission, committee="committee")


def suggestion_inbox(access: Access, permission: str):
    """The suggestions to handle, oldest first, with the branch each is addressed to."""
    return suggestions_for(access, permission).select_related("branch").order_by("submitted_on", "id")


def appraisals_for(access: Access, permission: str):
    return access.restrict(Appraisal.objects.all(), permission)


def voting_evaluations(person):
    """The evaluations ``person`` is on the roll of."""
    if person is None:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(voters__person=person)


# An evaluation's institute is set when it is created and never changes: each web process keeps
# the ones it has seen, so that a ballot POST checks the voter's scope without a query (issue 17).
_committees: dict[int, int] = {}


def evaluation_committee_id(pk: int) -> int | None:
    """The institute (party committee id) of evaluation ``pk``, or None when there is none; read
    once per process. Only what exists is kept, so an evaluation created later is found."""
    if pk not in _committees:
        found = Evaluation.objects.filter(pk=pk).values_list("committee_id", flat=True).first()
        if found is None:
            return None
        if len(_committees) > 10_000:  # a bound, not a policy: evaluations are a few a year
            _committees.clear()
        _committees[pk] = found
    return _committees[pk]


def voting_appraisals(person):
    if person is None:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(voters__person=person)


# --- Ballot form ------------------------------------------------------------------------


_TARGET_FIELDS = ["id", "evaluation_id", "branch_id", "person_id", "sort_order"]
_CRITERION_FIELDS = ["id", "evaluation_id", "subject", "text", "sort_order"]


def questionnaire(evaluation: Evaluation) -> list[tuple[Target, list[Criterion]]]:
    """Each target with the questions asked about it, in order (a target without questions,
    possible in a draft, has an empty list). Of a target's branch and person only the names
    are loaded.

    One plain query: every ballot (issue 7: many at the same moment) builds its form from this,
    and the two ORM queries it replaces cost five times as much to build as to run."""
    q = connection.ops.quote_name
    sql = (
        'SELECT t."id", t."evaluation_id", t."branch_id", t."person_id", t."sort_order", b."name", p."name", '
        'c."id", c."evaluation_id", c."subject", c."text", c."sort_order" '
        f'FROM {q(Target._meta.db_table)} t INNER JOIN {q(Branch._meta.db_table)} b ON b."id" = t."branch_id" '
        f'LEFT JOIN {q(Person._meta.db_table)} p ON p."id" = t."person_id" '
        f'LEFT JOIN {q(Criterion._meta.db_table)} c ON c."evaluation_id" = t."evaluation_id" '
        'AND c."subject" = CASE WHEN t."person_id" IS NULL THEN %s ELSE %s END '
        'WHERE t."evaluation_id" = %s ORDER BY t."sort_order", t."id", c."sort_order", c."id"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Subject.BRANCH, Subject.MEMBER, evaluation.pk])
        rows = cursor.fetchall()
    db = connection.alias
    sections: dict[int, tuple[Target, list[Criterion]]] = {}
    criteria: dict[int, Criterion] = {}
    for row in rows:
        target_id, _e, branch_id, person_id, _s, branch_name, person_name, criterion_id = row[:8]
        if target_id not in sections:
            target = Target.from_db(db, _TARGET_FIELDS, row[:5])
            target.branch = Branch.from_db(db, ["id", "name"], [branch_id, branch_name])
            if person_id is not None:
                target.person = Person.from_db(db, ["id", "name"], [person_id, person_name])
            sections[target_id] = (target, [])
        if criterion_id is not None:
            if criterion_id not in criteria:
                criteria[criterion_id] = Criterion.from_db(db, _CRITERION_FIELDS, row[7:])
            sections[target_id][1].append(criteria[criterion_id])
    return list(sections.values())


# --- Results ----------------------------------------------------------------------------

# Options counted as satisfied in the satisfaction rate.
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.FAIRLY)


def satisfaction_rate(counts: dict[str, int]) -> float | None:
    """(满意 + 比较满意) / (all answers − 不了解), in percent; None when nobody judged."""
    judged = sum(n for option, n in counts.items() if option != Satisfaction.UNKNOWN)
    if not judged:
        return None
    return round(100 * sum(counts.get(o, 0) for o in SATISFIED) / judged, 1)


@dataclass
class CriterionResult:
    criterion: Criterion
    counts: dict[str, int]
    rate: float | None

    @property
    def distribution(self):
        return [(label, self.counts.get(value, 0)) for value, label in Satisfaction.choices]


@dataclass
class TargetResult:
    target: Target
    ballots: int
    shown: bool
    criteria: list[CriterionResult] = field(default_factory=list)
    rate: float | None = None
    comments: list[FreeText] = field(default_factory=list)


def turnout(evaluation: Evaluation) -> dict:
    row = evaluation.voters.aggregate(eligible=Count("pk"), voted=Count("pk", filter=Q(has_voted=True)))
    if evaluation.status == Evaluation.Status.OPEN:  # ballots waiting in the mixing pool are cast
        row["voted"] += PooledBallot.objects.filter(evaluation=evaluation).count()
    row["percent"] = round(100 * row["voted"] / row["eligible"], 1) if row["eligible"] else None
    return row


def evaluation_results(*, evaluation: Evaluation, targets) -> list[TargetResult]:
    """Results of the closed ``evaluation`` for ``targets`` (already narrowed to the reader's
    scope). A target's figures and comments are left out below ``min_ballots`` ballots;
    comments are the approved ones only. Four queries whatever the size."""
    if evaluation.status != Evaluation.Status.CLOSED:
        return []
    targets = list(targets.select_related("branch", "person", "ballot_count").order_by("sort_order", "pk"))
    criteria = list(evaluation.criteria.order_by("subject", "sort_order", "pk"))
    shown_ids = [t.pk for t in targets if _ballots(t) >= evaluation.min_ballots]
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for target_id, criterion_id, option, n in RatingCount.objects.filter(target__in=shown_ids).values_list(
        "target_id", "criterion_id", "option", "count"
    ):
        counts.setdefault((target_id, criterion_id), {})[option] = n
    comments: dict[int, list[FreeText]] = {}
    for text in FreeText.objects.filter(target__in=shown_ids, status=FreeText.Status.APPROVED).order_by("id"):
        comments.setdefault(text.target_id, []).append(text)
    results = []
    for target in targets:
        result = TargetResult(target=target, ballots=_ballots(target), shown=target.pk in shown_ids)
        if result.shown:
            pooled: dict[str, int] = {}
            for criterion in criteria:
                if criterion.subject != target.subject:
                    continue
                c = counts.get((target.pk, criterion.pk), {})
                for option, n in c.items():
                    pooled[option] = pooled.get(option, 0) + n
                result.criteria.append(
                    CriterionResult(criterion=criterion, counts=c, rate=satisfaction_rate(c))
                )
            result.rate = satisfaction_rate(pooled)
            result.comments = comments.get(target.pk, [])
        results.append(result)
    return results


def _ballots(target: Target) -> int:
    try:
        return target.ballot_count.count
    except Target.ballot_count.RelatedObjectDoesNotExist:
        return 0


def moderation_queue(evaluations):
    """Free texts of closed evaluations still waiting for the office's review."""
    return (
        FreeText.objects.filter(
            status=FreeText.Status.PENDING,
            target__evaluation__in=evaluations.filter(status=Evaluation.Status.CLOSED),
        )
        .select_related("target__evaluation", "target__branch", "target__person")
        .order_by("target__evaluation", "target__sort_order", "id")
    )


# --- Democratic appraisal ---------------------------------------------------------------


@dataclass
class RollRow:
    voter: AppraisalVoter
    self_assessment: object | None
    peer_assessments: list
    tally: list[tuple[str, int]] | None
    grade: AppraisalGrade | None


def appraisal_page(appraisal: Appraisal, *, with_people: bool) -> dict:
    """Everything of one appraisal page: the roll with assessments, the vote (once closed and
    only from ``min_ballots`` ballots about a member) and the grades. A fixed number of queries."""
    roll = list(appraisal.voters.select_related("person").order_by("person__employee_no"))
    voted = sum(1 for v in roll if v.has_voted)
    vote_closed = appraisal.status in (Appraisal.Status.GRADING, Appraisal.Status.CLOSED)
    grades = {g.person_id: g for g in appraisal.grades.select_related("set_by")}
    distribution = [
        (label, sum(1 for g in grades.values() if g.grade == value)) for value, label in Grade.choices
    ]
    page = {
        "roll_size": len(roll),
        "voted": voted,
        "vote_closed": vote_closed,
        "distribution": distribution,
        "excellent": sum(1 for g in grades.values() if g.grade == Grade.EXCELLENT),
    }
    if not with_people:
        return page
    selfs = {s.person_id: s for s in appraisal.self_assessments.all()}
    peers: dict[int, list] = {}
    for p in appraisal.peer_assessments.select_related("by"):
        peers.setdefault(p.about_id, []).append(p)
    tallies: dict[int, dict[str, int]] = {}
    if vote_closed:
        for person_id, grade, n in AppraisalTally.objects.filter(appraisal=appraisal).values_list(
            "person_id", "grade", "count"
        ):
            tallies.setdefault(person_id, {})[grade] = n
    rows = []
    for voter in roll:
        tally = tallies.get(voter.person_id)
        shown = tally is not None and sum(tally.values()) >= appraisal.min_ballots
        rows.append(
            RollRow(
                voter=voter,
                self_assessment=selfs.get(voter.person_id),
                peer_assessments=peers.get(voter.person_id, []),
                tally=[(label, tally.get(value, 0)) for value, label in Grade.choices] if shown else None,
                grade=grades.get(voter.person_id),
            )
        )
    page["rows"] = rows
    return page


# --- Home page --------------------------------------------------------------------------


@counted
def home_context(*, access, role: str | None, campaign_year, counts) -> dict:
    """What a role's home page shows (``templates/evaluations/_home.html``): to everyone on a
    roll, the ballots still to cast; to the office, free texts to review, suggestions to handle
    and evaluations past their window; to a secretary, the branch's suggestions and appraisal."""
    today = timezone.localdate()
    person = access.person
    context: dict = {"eval_today": today}
    manages = role in (Role.OFFICE, Role.ADMIN) and access.has("evaluations.manage")
    runs_appraisals = role == Role.SECRETARY and access.has("appraisal.manage")
    # The ballots due and (office) the evaluations past their window, in one query: the first
    # close today or later, the second before.
    evaluations = Evaluation.objects.none()
    if person is not None:
        evaluations = Evaluation.objects.open_for_ballots(today).filter(
            Exists(Voter.objects.filter(evaluation=OuterRef("pk"), person=person, has_voted=False))
        )
    if manages:
        managed = evaluations_for(access, "evaluations.manage")
        counts.add("free_texts_pending", moderation_queue(managed))
        evaluations |= managed.filter(status=Evaluation.Status.OPEN, closes_on__lt=today)
    # Both lists are read with the page's counts (core.counts): no query of their own.
    if person is not None or manages:
        counts.rows("eval_home_evaluations", evaluations.order_by("closes_on", "pk"))

        def split_evaluations(n):
            rows = n["eval_home_evaluations"]
            due = [e for e in rows if e.closes_on >= today]
            pooled = pooled_evaluations(person, due) if person is not None else set()
            made = {"ballots_due": [e for e in due if e.pk not in pooled]}
            if manages:
                made["evaluations_to_close"] = [e for e in rows if e.closes_on < today]
            return made

        counts.then(split_evaluations)
    # The appraisal votes due and (secretary) the branches' appraisals running, in one query.
    if person is not None or runs_appraisals:
        due = Exists(AppraisalVoter.objects.filter(appraisal=OuterRef("pk"), person=person, has_voted=False))
        appraisals = Appraisal.objects.annotate(vote_due=due & Q(status=Appraisal.Status.VOTING))
        wanted = Q(vote_due=True) if person is not None else Q(pk__in=[])
        if runs_appraisals:
            wanted |= Q(
                pk__in=appraisals_for(access, "appraisal.manage").exclude(status=Appraisal.Status.CLOSED)
            )
        counts.rows(
            "eval_home_appraisals", appraisals.filter(wanted).select_related("branch", "campaign_year")
        )

        def split_appraisals(n):
            rows = n["eval_home_appraisals"]
            made = {"appraisal_votes_due": [a for a in rows if a.vote_due]}
            if runs_appraisals:
                made["appraisals_running"] = [
                    a
                    for a in rows
                    if a.status != Appraisal.Status.CLOSED
                    and access.reaches_branch("appraisal.manage", a.branch)
                ]
            return made

        counts.then(split_appraisals)
    if role in (Role.OFFICE, Role.ADMIN, Role.SECRETARY) and access.has("suggestions.triage"):
        counts.add(
            "suggestions_open",
            suggestions_for(access, "suggestions.triage").exclude(status=Suggestion.Status.ANSWERED),
        )
    return context


def my_grades(person):
    """The member's own grades of closed appraisals."""
    if person is None:
        return AppraisalGrade.objects.none()
    return AppraisalGrade.objects.filter(
        person=person, appraisal__status=Appraisal.Status.CLOSED
    ).select_related("appraisal__branch", "appraisal__campaign_year")


def branches_for(access: Access, permission: str):
    return access.restrict(Branch.objects.active(), permission, branch="")
