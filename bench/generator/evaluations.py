"""Mass evaluation, democratic appraisal and supervision of the year.

Mass evaluation: each institute runs its yearly evaluation per department, so that a ballot lists
only what a voter can judge — the department's branches and their secretaries, five questions
each. The roll is the department's staff and the members of its branches; about nine in ten
voted. A ballot adds 1 to one counter per question of every target; a voter who does not know a
target answers “don't know” to all its questions and is not among the ballots (``BallotCount``)
of that target. So for every (target, question) the counters sum to the voters who voted, and
``BallotCount`` is what the issue's “400,000 ballots” counts: a rating of one branch or member by
one voter (the share of “don't know” is set to reach the target).
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone
from django.utils.translation import override

from evaluations.models import (
    DEFAULT_CRITERIA,
    Appraisal,
    AppraisalGrade,
    AppraisalTally,
    AppraisalVoter,
    BallotCount,
    Criterion,
    Evaluation,
    FreeText,
    Grade,
    RatingCount,
    Satisfaction,
    Subject,
    Target,
    Voter,
)
from supervision.models import Inspection

from . import world as w

OPINIONS = [Satisfaction.SATISFIED, Satisfaction.FAIRLY, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED]
OPINION_SHARES = [0.55, 0.3, 0.12, 0.03]
GRADES = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]


def _shares(n: int, shares, rng) -> list[int]:
    out = [int(n * s * (0.8 + 0.4 * rng.random())) for s in shares]
    out[1] = max(out[1], 0)
    excess = sum(out) - n
    if excess > 0:  # take back from the largest
        for i in sorted(range(len(out)), key=lambda i: -out[i]):
            cut = min(excess, out[i])
            out[i] -= cut
            excess -= cut
    else:
        out[0] -= excess
    return out


def build(world: w.World) -> None:
    _mass_evaluations(world)
    _appraisals(world)
    _inspections(world)


def _mass_evaluations(world: w.World) -> None:
    rng, copier = world.rng, world.copier
    with override("zh-hans"):
        questions = {s: [str(q) for q in DEFAULT_CRITERIA[s]] for s in (Subject.BRANCH, Subject.MEMBER)}
    plans = []  # (committee, department, its branches in this evaluation, voters, voted)
    for c in world.committees:
        for d in c.departments:
            # At most three branches per questionnaire: the retirees' department holds all the
            # retiree branches, and gets one evaluation per three of them.
            for k in range(0, len(d.branches), 3):
                chunk = d.branches[k : k + 3]
                members = [p for b in chunk for p in b.members]
                voters = list(dict.fromkeys(d.staff + members))
                voted = {p for p in voters if rng.random() < 0.9}
                plans.append((c, d, chunk, voters, voted))
    possible = sum(len(voted) * 2 * len(chunk) for _c, _d, chunk, _v, voted in plans)
    opinion = min(1.0, world.targets.ballots / max(possible, 1))

    evaluations, criteria, targets, voters, ratings, ballots, texts, m2m_d, m2m_b = ([] for _ in range(9))
    eval_ids = iter(copier.ids(Evaluation, len(plans)))
    crit_ids = iter(copier.ids(Criterion, 10 * len(plans)))
    target_ids = iter(copier.ids(Target, sum(2 * len(chunk) for _c, _d, chunk, _v, _x in plans)))
    for c, d, branches, roll, voted in plans:
        year = c.campaign_year
        office = world.office_user(c)
        pk = next(eval_ids)
        evaluations.append(
            (
                pk,
                c.id,
                year.pk,
                f"{year.year}年度{d.name}{branches[0].name if len(d.branches) > 3 else ''}群众评议",
                year.evaluation_opens_on,
                year.evaluation_closes_on,
                Evaluation.Status.CLOSED,
                5,
                office,
            )
        )
        m2m_d.append((pk, d.id))
        m2m_b += [(pk, b.id) for b in branches]
        crit = {}
        for subject in (Subject.BRANCH, Subject.MEMBER):
            crit[subject] = []
            for k, text in enumerate(questions[subject]):
                cid = next(crit_ids)
                criteria.append((cid, pk, subject, text, k))
                crit[subject].append(cid)
        order = 0
        for b in branches:
            for person, subject in ((None, Subject.BRANCH), (b.secretary, Subject.MEMBER)):
                tid = next(target_ids)
                targets.append((tid, pk, b.id, person, order))
                order += 1
                n = len(voted)
                unknown = min(n, int(n * (1 - opinion) + rng.random()))
                ballots.append((uuid.uuid4(), tid, n - unknown))
                for cid in crit[subject]:
                    counts = _shares(n - unknown, OPINION_SHARES, rng)
                    for option, count in zip(OPINIONS, counts, strict=True):
                        ratings.append((uuid.uuid4(), tid, cid, option, count))
                    ratings.append((uuid.uuid4(), tid, cid, Satisfaction.UNKNOWN, unknown))
                if n and rng.random() < 0.5:
                    texts.append(
                        (
                            uuid.uuid4(),
                            tid,
                            "希望继续发挥先锋模范作用。",
                            FreeText.Status.APPROVED,
                            office,
                            year.evaluation_closes_on + datetime.timedelta(days=3),
                        )
                    )
        voters += [(pk, p, p in voted) for p in roll]

    copier.copy(
        Evaluation,
        [
            "id",
            "committee",
            "campaign_year",
            "title",
            "opens_on",
            "closes_on",
            "status",
            "min_ballots",
            "created_by",
        ],
        evaluations,
    )
    for through, column, rows in (
        (Evaluation.voter_departments.through, "department", m2m_d),
        (Evaluation.voter_branches.through, "branch", m2m_b),
    ):
        copier.copy(
            through,
            ["id", "evaluation", column],
            ((i, *r) for i, r in zip(copier.ids(through, len(rows)), rows, strict=True)),
        )
    copier.copy(Criterion, ["id", "evaluation", "subject", "text", "sort_order"], criteria)
    copier.copy(Target, ["id", "evaluation", "branch", "person", "sort_order"], targets)
    copier.copy(
        Voter,
        ["id", "evaluation", "person", "has_voted"],
        ((i, *r) for i, r in zip(copier.ids(Voter, len(voters)), voters, strict=True)),
    )
    copier.copy(RatingCount, ["id", "target", "criterion", "option", "count"], ratings)
    copier.copy(BallotCount, ["id", "target", "count"], ballots)
    copier.copy(FreeText, ["id", "target", "text", "status", "moderated_by", "moderated_on"], texts)


def _appraisals(world: w.World) -> None:
    """党员民主评议 of every branch, closed: the roll, the tallies of the vote, the grades."""
    rng, copier = world.rng, world.copier
    appraisals, voters, tallies, grades = [], [], [], []
    ids = iter(copier.ids(Appraisal, len(world.branches)))
    for c in world.committees:
        for b in c.branches:
            pk = next(ids)
            secretary = world.user_of[b.secretary]
            appraisals.append((pk, b.id, c.campaign_year.pk, Appraisal.Status.CLOSED, 5, secretary))
            voted = {p for p in b.members if rng.random() < 0.95}
            for person in b.members:
                voters.append((pk, person, person in voted))
                grade = rng.choices(GRADES, weights=[25, 71, 3, 1])[0]
                graders = len(voted - {person})
                main = int(graders * 0.8)
                rest = graders - main
                share = {g: 0 for g in GRADES}
                share[grade] += main
                for _ in range(rest):
                    share[rng.choice(GRADES[:2])] += 1
                tallies += [(uuid.uuid4(), pk, person, g, n) for g, n in share.items()]
                grades.append((pk, person, grade, "支部委员会根据民主评议结果评定。", secretary))
    copier.copy(
        Appraisal, ["id", "branch", "campaign_year", "status", "min_ballots", "started_by"], appraisals
    )
    copier.copy(
        AppraisalVoter,
        ["id", "appraisal", "person", "has_voted"],
        ((i, *r) for i, r in zip(copier.ids(AppraisalVoter, len(voters)), voters, strict=True)),
    )
    copier.copy(AppraisalTally, ["id", "appraisal", "person", "grade", "count"], tallies)
    copier.copy(
        AppraisalGrade,
        ["id", "appraisal", "person", "grade", "reason", "set_by"],
        ((i, *r) for i, r in zip(copier.ids(AppraisalGrade, len(grades)), grades, strict=True)),
    )


def _inspections(world: w.World) -> None:
    """One routine inspection per branch; about a third found something, half of those closed."""
    rng, copier, today = world.rng, world.copier, world.today
    tz = timezone.get_current_timezone()
    rows = []
    for c in world.committees:
        office = world.office_user(c)
        year = c.campaign_year
        for b in c.branches:
            on = world.namer.day(datetime.date(year.year, 3, 1), today - datetime.timedelta(days=30))
            at = datetime.datetime.combine(on, datetime.time(16), tzinfo=tz)
            findings = rng.random() < 0.33
            closed = findings and rng.random() < 0.5
            later = at + datetime.timedelta(days=10)
            secretary = world.user_of[b.secretary]
            rows.append(
                (
                    year.pk,
                    b.id,
                    Inspection.Kind.ROUTINE,
                    on,
                    "三会一课记录检查",
                    "会议记录不完整" if findings else "",
                    on + datetime.timedelta(days=20) if findings else None,
                    Inspection.Status.CLOSED if closed else Inspection.Status.OPEN,
                    "已补齐会议记录" if closed else "",
                    secretary if closed else None,
                    later if closed else None,
                    "整改到位" if closed else "",
                    office if closed else None,
                    later if closed else None,
                    office,
                    at,
                )
            )
    copier.copy(
        Inspection,
        [
            "id",
            "campaign_year",
            "branch",
            "kind",
            "inspected_on",
            "subject",
            "findings",
            "rectification_due",
            "status",
            "reply",
            "replied_by",
            "replied_at",
            "office_comment",
            "closed_by",
            "closed_at",
            "recorded_by",
            "created_at",
        ],
        ((i, *r) for i, r in zip(copier.ids(Inspection, len(rows)), rows, strict=True)),
    )
