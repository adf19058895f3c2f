"""The year's end (评诺): the writer's self-assessment, then the approver's review, which
closes the pledge."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Pledge, PledgeReview
from ..workflow import authorize
from .common import lock_pledge, move, save_by


@transaction.atomic
def pledge_self_assess(*, access, pledge: Pledge, self_assessment: str) -> PledgeReview:
    """The writer's self-assessment at the year's end; it may be rewritten until the review."""
    authorize(access, lock_pledge(pledge), "self_assess")
    text = (self_assessment or "").strip()
    if not text:
        raise ValidationError({"self_assessment": _("Write the self-assessment.")})
    review = PledgeReview.objects.filter(pledge=pledge).first() or PledgeReview(pledge=pledge)
    review.self_assessment = text
    review.self_assessed_by = access.user
    review.self_assessed_at = timezone.now()
    return save_by(review, access)


@transaction.atomic
def pledge_review(
    *, access, pledge: Pledge, assessment: str, result: str, explanation: str = ""
) -> PledgeReview:
    """评诺: judge the pledge after the writer's self-assessment and close it. Anything short of
    fulfilled needs an explanation."""
    authorize(access, lock_pledge(pledge), "review")
    review = PledgeReview.objects.filter(pledge=pledge).first()
    if review is None:
        raise ValidationError(_("The self-assessment has not been written yet."), code="no_self_assessment")
    errors = {}
    assessment, explanation = (assessment or "").strip(), (explanation or "").strip()
    if not assessment:
        errors["assessment"] = _("Write the assessment.")
    if result not in PledgeReview.Result.values:
        errors["result"] = _("Choose the result.")
    elif result != PledgeReview.Result.FULFILLED and not explanation:
        errors["explanation"] = _("Explain what was not fulfilled, and why.")
    if errors:
        raise ValidationError(errors)
    review.assessment, review.result, review.explanation = assessment, result, explanation
    review.reviewed_by, review.reviewed_at = access.user, timezone.now()
    save_by(review, access)
    move(pledge, "review", access)
    return review
