"""The democratic appraisal of a branch (党员民主评议), run by its secretary.

self-assessment → peer assessment → anonymous vote → grading by the branch committee → closed.
The vote itself is cast by :func:`evaluations.services.appraisal_ballots.appraisal_ballot_cast`."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Branch, Person
from campaigns.models import CampaignYear
from core.services import lock, save_as

from ..models import (
    ANONYMITY_FLOOR,
    Appraisal,
    AppraisalGrade,
    AppraisalTally,
    AppraisalVoter,
    Grade,
    PeerAssessment,
    SelfAssessment,
)
from ..workflow import APPRAISAL
from .appraisal_ballots import appraisal_pool_flush

TEXT_MAX = 4000


def _on_roll(appraisal: Appraisal, *people: Person):
    roll = set(appraisal.voters.values_list("person_id", flat=True))
    if any(p.pk not in roll for p in people):
        raise ValidationError(
            _("Only members on the roll of this appraisal can be named."), code="not_on_roll"
        )


def _text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("This field cannot be empty.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("At most %(max)s characters, please.") % {"max": TEXT_MAX}})
    return text


@transaction.atomic
def appraisal_start(
    *, branch: Branch, campaign_year: CampaignYear, access: Access, min_ballots: int = ANONYMITY_FLOOR
) -> Appraisal:
    """Start the year's appraisal of ``branch``; its present members make the roll."""
    appraisal = Appraisal(
        branch=branch, campaign_year=campaign_year, min_ballots=min_ballots, started_by=access.user
    )
    APPRAISAL.authorize(access, appraisal, "start")
    if campaign_year.campaign.committee_id != branch.committee_id:
        raise ValidationError(_("The year belongs to another institute."))
    if Appraisal.objects.filter(branch=branch, campaign_year=campaign_year).exists():
        raise ValidationError(_("This branch's appraisal of that year has already started."), code="exists")
    members = list(Person.objects.filter(branch=branch).order_by("employee_no").values_list("pk", flat=True))
    if not members:
        raise ValidationError(_("The branch has no members to appraise."), code="no_members")
    if min_ballots < ANONYMITY_FLOOR:
        raise ValidationError(
            _("At least %(n)s ballots are needed to keep them anonymous.") % {"n": ANONYMITY_FLOOR}
        )
    save_as(appraisal, access.user)
    AppraisalVoter.objects.bulk_create(AppraisalVoter(appraisal=appraisal, person_id=pk) for pk in members)
    return appraisal


@transaction.atomic
def self_assessment_record(
    *, appraisal: Appraisal, person: Person, text: str, access: Access
) -> SelfAssessment:
    """Record (or correct) a member's self-assessment, at the self-assessment stage."""
    APPRAISAL.authorize(access, lock(appraisal), "self_assess")
    _on_roll(appraisal, person)
    entry = SelfAssessment.objects.filter(appraisal=appraisal, person=person).first() or SelfAssessment(
        appraisal=appraisal, person=person
    )
    entry.text = _text(text, "text")
    entry.recorded_by = access.user
    return save_as(entry, access.user)


@transaction.atomic
def self_assessment_write(*, appraisal: Appraisal, text: str, access: Access) -> SelfAssessment:
    """The member's own self-assessment, written by the member (at the self-assessment stage;
    writing it again replaces it). The secretary may still record it for a member without a
    login (:func:`self_assessment_record`)."""
    APPRAISAL.authorize(access, lock(appraisal), "write_own")
    person = access.person
    entry = SelfAssessment.objects.filter(appraisal=appraisal, person=person).first() or SelfAssessment(
        appraisal=appraisal, person=person
    )
    entry.text = _text(text, "text")
    entry.recorded_by = access.user
    return save_as(entry, access.user)


@transaction.atomic
def peer_assessment_record(
    *, appraisal: Appraisal, about: Person, by: Person, text: str, access: Access
) -> PeerAssessment:
    """Record what ``by`` said of ``about`` at the branch meeting (not anonymous)."""
    APPRAISAL.authorize(access, lock(appraisal), "peer_assess")
    if about.pk == by.pk:
        raise ValidationError(_("A peer assessment is about another member."), code="self")
    _on_roll(appraisal, about, by)
    return save_as(
        PeerAssessment(
            appraisal=appraisal, about=about, by=by, text=_text(text, "text"), recorded_by=access.user
        ),
        access.user,
    )


@transaction.atomic
def appraisal_advance(*, appraisal: Appraisal, access: Access) -> Appraisal:
    """Move to the next stage. Opening the vote sets up the ballot box (every tally at zero);
    closing the appraisal needs a grade for every member on the roll."""
    APPRAISAL.authorize(access, lock(appraisal), "advance")
    if appraisal.status == Appraisal.Status.PEER_ASSESSMENT:
        roll = list(appraisal.voters.values_list("person_id", flat=True))
        AppraisalTally.objects.bulk_create(
            AppraisalTally(appraisal=appraisal, person_id=pk, grade=grade)
            for pk in roll
            for grade in Grade.values
        )
    if appraisal.status == Appraisal.Status.VOTING:
        # The ballots still waiting are counted now (or, fewer than a batch in all, destroyed
        # unread): see evaluations/services/ballots.py.
        appraisal_pool_flush(appraisal=appraisal, final=True)
    if appraisal.status == Appraisal.Status.GRADING:
        ungraded = appraisal.voters.exclude(person__in=appraisal.grades.values("person")).count()
        if ungraded:
            raise ValidationError(_("%(n)s members have no grade yet.") % {"n": ungraded}, code="ungraded")
    APPRAISAL.advance(appraisal, "advance")
    return save_as(appraisal, access.user)


def excellent_warning(*, excellent: int, roll_size: int) -> str | None:
    """优秀 normally goes to at most a third of the members: a warning, not a refusal."""
    if roll_size and excellent * 3 > roll_size:
        return _(
            "%(n)s of %(total)s members are graded “Excellent”, more than one third. "
            "Check that this is intended."
        ) % {"n": excellent, "total": roll_size}
    return None


@transaction.atomic
def appraisal_grades_set(
    *, appraisal: Appraisal, grades: Mapping[int, tuple[str, str]], access: Access
) -> list[str]:
    """Set the grades the branch committee decided: person id → (grade, reasons). Reasons are
    required. Returns warnings (more than a third “Excellent”)."""
    APPRAISAL.authorize(access, lock(appraisal), "grade")
    roll = {v.person_id: v.person for v in appraisal.voters.select_related("person")}
    errors = {}
    for person_id, (grade, reason) in grades.items():
        if person_id not in roll:
            raise ValidationError(
                _("Only members on the roll of this appraisal can be named."), code="not_on_roll"
            )
        if grade not in Grade.values:
            errors[person_id] = _("Choose a grade.")
        elif not (reason or "").strip():
            errors[person_id] = _("Give the reasons for the grade.")
    if errors:
        raise ValidationError(
            [ValidationError(f"{roll[pk].name}: {msg}", code="grade") for pk, msg in errors.items()]
        )
    existing = {g.person_id: g for g in appraisal.grades.all()}
    for person_id, (grade, reason) in grades.items():
        entry = existing.get(person_id) or AppraisalGrade(appraisal=appraisal, person_id=person_id)
        if entry.pk and entry.grade == grade and entry.reason == reason.strip():
            continue
        entry.grade, entry.reason, entry.set_by = grade, reason.strip(), access.user
        save_as(entry, access.user)
    excellent = appraisal.grades.filter(grade=Grade.EXCELLENT).count()
    warning = excellent_warning(excellent=excellent, roll_size=len(roll))
    return [warning] if warning else []
