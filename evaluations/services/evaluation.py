"""Setting up, opening, closing a mass evaluation and reviewing its free texts (the office)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Branch, Department, Person
from campaigns.models import CampaignYear
from core.services import lock, save_as

from ..models import (
    ANONYMITY_FLOOR,
    DEFAULT_CRITERIA,
    BallotCount,
    Criterion,
    Evaluation,
    FreeText,
    RatingCount,
    Satisfaction,
    Subject,
    Target,
    Voter,
)
from ..workflow import EVALUATION
from .ballots import ballot_pool_flush, free_texts_shuffle


def _check_window(opens_on: datetime.date, closes_on: datetime.date, min_ballots: int):
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The evaluation cannot close before it opens.")})
    if min_ballots < ANONYMITY_FLOOR:
        raise ValidationError(
            {
                "min_ballots": _("At least %(n)s ballots are needed to keep them anonymous.")
                % {"n": ANONYMITY_FLOOR}
            }
        )


def _same_committee(committee_id: int, objects: Iterable, field: str):
    if any(obj.committee_id != committee_id for obj in objects):
        raise ValidationError({field: _("Choose only units and people of this institute.")})


@transaction.atomic
def evaluation_create(
    *,
    campaign_year: CampaignYear,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    access: Access,
    min_ballots: int = ANONYMITY_FLOOR,
    branches: Sequence[Branch] = (),
    members: Sequence[Person] = (),
    voter_departments: Sequence[Department] = (),
    voter_branches: Sequence[Branch] = (),
    branch_questions: Sequence[str] | None = None,
    member_questions: Sequence[str] | None = None,
) -> Evaluation:
    """A draft evaluation of the year, with the default questionnaire unless questions are given
    (the five goods for branches, the five leads for members, in the actor's language)."""
    evaluation = Evaluation(
        committee_id=campaign_year.campaign.committee_id,
        campaign_year=campaign_year,
        title="",
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=access.user,
    )
    return evaluation_update(
        evaluation=evaluation,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        min_ballots=min_ballots,
        branches=branches,
        members=members,
        voter_departments=voter_departments,
        voter_branches=voter_branches,
        branch_questions=[str(q) for q in DEFAULT_CRITERIA[Subject.BRANCH]]
        if branch_questions is None
        else branch_questions,
        member_questions=[str(q) for q in DEFAULT_CRITERIA[Subject.MEMBER]]
        if member_questions is None
        else member_questions,
        access=access,
    )


@transaction.atomic
def evaluation_update(
    *,
    evaluation: Evaluation,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    min_ballots: int,
    branches: Sequence[Branch],
    members: Sequence[Person],
    voter_departments: Sequence[Department],
    voter_branches: Sequence[Branch],
    branch_questions: Sequence[str],
    member_questions: Sequence[str],
    access: Access,
) -> Evaluation:
    """Set what a draft evaluation asks, about whom, of whom and when. Targets and questions are
    replaced; the roll is drawn from ``voter_departments``/``voter_branches`` when it opens."""
    if evaluation.pk:
        lock(evaluation)
    EVALUATION.authorize(access, evaluation, "edit")
    actor = access.user
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the evaluation a title.")})
    _check_window(opens_on, closes_on, min_ballots)
    committee_id = evaluation.committee_id
    _same_committee(committee_id, branches, "branches")
    _same_committee(committee_id, members, "members")
    _same_committee(committee_id, voter_departments, "voter_departments")
    _same_committee(committee_id, voter_branches, "voter_branches")
    if any(m.branch_id is None for m in members):
        raise ValidationError({"members": _("Only party members can be evaluated as members.")})
    evaluation.title, evaluation.opens_on, evaluation.closes_on = title, opens_on, closes_on
    evaluation.min_ballots = min_ballots
    save_as(evaluation, actor)
    evaluation.voter_departments.set(voter_departments)
    evaluation.voter_branches.set(voter_branches)

    # Targets: keep those still chosen, add the new ones, drop the rest (a draft has no ballots).
    wanted = [(b.pk, None) for b in branches] + [(m.branch_id, m.pk) for m in members]
    existing = {(t.branch_id, t.person_id): t for t in evaluation.targets.all()}
    for key, target in existing.items():
        if key not in wanted:
            target._history_user = actor
            target.delete()
    for order, (branch_id, person_id) in enumerate(wanted):
        target = existing.get((branch_id, person_id)) or Target(
            evaluation=evaluation, branch_id=branch_id, person_id=person_id
        )
        if target.pk is None or target.sort_order != order:
            target.sort_order = order
            save_as(target, actor)

    for subject, questions in ((Subject.BRANCH, branch_questions), (Subject.MEMBER, member_questions)):
        _set_questions(evaluation, subject, questions, actor)
    return evaluation


def _set_questions(evaluation: Evaluation, subject: str, questions: Sequence[str], actor):
    texts = [q.strip() for q in questions if q and q.strip()]
    if any(len(t) > 200 for t in texts):
        raise ValidationError(_("A question may be at most 200 characters long."))
    existing = {c.text: c for c in evaluation.criteria.filter(subject=subject)}
    for text, criterion in existing.items():
        if text not in texts:
            criterion._history_user = actor
            criterion.delete()
    for order, text in enumerate(dict.fromkeys(texts)):
        criterion = existing.get(text) or Criterion(evaluation=evaluation, subject=subject, text=text)
        if criterion.pk is None or criterion.sort_order != order:
            criterion.sort_order = order
            save_as(criterion, actor)


def eligible_people(evaluation: Evaluation):
    """Who may evaluate: the staff (employed) of the chosen departments and the current members
    of the chosen branches, in the evaluation's institute."""
    return (
        Person.objects.filter(committee_id=evaluation.committee_id)
        .filter(
            Q(status=Person.Status.EMPLOYED, department__in=evaluation.voter_departments.all())
            | Q(branch__in=evaluation.voter_branches.all())
        )
        .distinct()
        .order_by("employee_no")
    )


@transaction.atomic
def evaluation_open(*, evaluation: Evaluation, access: Access) -> Evaluation:
    """Draw the roll and set up the ballot box (every counter at zero), then open."""
    EVALUATION.authorize(access, lock(evaluation), "open")
    targets = list(evaluation.targets.all())
    criteria = list(evaluation.criteria.all())
    if not targets:
        raise ValidationError(_("Choose at least one branch or member to evaluate."), code="no_targets")
    for subject in {t.subject for t in targets}:
        if not any(c.subject == subject for c in criteria):
            raise ValidationError(
                _("Write at least one question about %(subject)s.") % {"subject": Subject(subject).label},
                code="no_criteria",
            )
    people = list(eligible_people(evaluation).values_list("pk", flat=True))
    if len(people) < evaluation.min_ballots:
        raise ValidationError(
            _(
                "Only %(n)s people may evaluate, fewer than the %(min)s ballots results need: "
                "choose more departments or branches."
            )
            % {"n": len(people), "min": evaluation.min_ballots},
            code="too_few_voters",
        )
    Voter.objects.bulk_create(Voter(evaluation=evaluation, person_id=pk) for pk in people)
    RatingCount.objects.bulk_create(
        RatingCount(target=t, criterion=c, option=option)
        for t in targets
        for c in criteria
        if c.subject == t.subject
        for option in Satisfaction.values
    )
    BallotCount.objects.bulk_create(BallotCount(target=t) for t in targets)
    EVALUATION.advance(evaluation, "open")
    return save_as(evaluation, access.user)


@transaction.atomic
def evaluation_close(*, evaluation: Evaluation, access: Access) -> Evaluation:
    """End the window (also early): no more ballots; the ballots still in the mixing pool are
    counted (or, fewer than k in all, destroyed unread); the free texts are shuffled and go to the
    office for review; results can be read."""
    EVALUATION.authorize(access, lock(evaluation), "close")
    ballot_pool_flush(evaluation=evaluation, closing=True)  # the rest of the mixing pool
    free_texts_shuffle(evaluation=evaluation)
    EVALUATION.advance(evaluation, "close")
    return save_as(evaluation, access.user)


@transaction.atomic
def free_text_moderate(*, free_text: FreeText, approve: bool, access: Access, today=None) -> FreeText:
    """The office approves a free text for others to read, or rejects it."""
    free_text = FreeText.objects.select_for_update().select_related("target__evaluation").get(pk=free_text.pk)
    EVALUATION.authorize(access, free_text.target.evaluation, "moderate")
    free_text.status = FreeText.Status.APPROVED if approve else FreeText.Status.REJECTED
    free_text.moderated_by = access.user
    free_text.moderated_on = today or timezone.localdate()
    free_text.save(update_fields=["status", "moderated_by", "moderated_on"])
    return free_text


@transaction.atomic
def free_texts_moderate(*, free_texts, approve: bool, access: Access, today=None) -> int:
    """The office approves or rejects many free texts at once (the ticked rows of the review
    page): all or none. Each text's evaluation must allow ``moderate`` for ``access``; texts
    already reviewed are left as they are. Returns how many were decided."""
    texts = list(
        FreeText.objects.select_for_update(of=("self",))
        .filter(pk__in=list(free_texts), status=FreeText.Status.PENDING)
        .select_related("target__evaluation")
        .order_by("pk")
    )
    for evaluation in {text.target.evaluation_id: text.target.evaluation for text in texts}.values():
        EVALUATION.authorize(access, evaluation, "moderate")
    FreeText.objects.filter(pk__in=[text.pk for text in texts]).update(
        status=FreeText.Status.APPROVED if approve else FreeText.Status.REJECTED,
        moderated_by=access.user,
        moderated_on=today or timezone.localdate(),
    )
    return len(texts)
