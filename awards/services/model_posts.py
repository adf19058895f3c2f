"""Writes of model posts (党员示范岗): designated, reviewed each term, withdrawn."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from core.services import save_as

from ..models import ModelPost, ModelPostReview
from ..workflow import MODEL_POSTS


@transaction.atomic
def model_post_designate(*, access: Access, person, post_name: str, designated_on, term_ends_on) -> ModelPost:
    post = ModelPost(
        person=person,
        branch_id=person.branch_id,
        post_name=post_name,
        designated_on=designated_on,
        term_ends_on=term_ends_on,
        designated_by=access.user,
    )
    MODEL_POSTS.authorize(access, post, "designate")
    if person.branch_id is None:
        raise ValidationError(_("Only a party member can hold a model post."))
    if term_ends_on <= designated_on:
        raise ValidationError({"term_ends_on": _("The term must end after the designation.")})
    if ModelPost.objects.filter(
        person=person, withdrawn_on__isnull=True, term_ends_on__gte=designated_on
    ).exists():
        raise ValidationError(_("This member already holds a model post."))
    return save_as(post, access.user)


@transaction.atomic
def model_post_review(
    *, access: Access, post: ModelPost, result: str, note: str, reviewed_on=None
) -> ModelPostReview:
    MODEL_POSTS.authorize(access, post, "review")
    if not note.strip():
        raise ValidationError({"note": _("Write the review.")})
    review = ModelPostReview(
        post=post, result=result, note=note, by=access.user, reviewed_on=reviewed_on or timezone.localdate()
    )
    return save_as(review, access.user)


@transaction.atomic
def model_post_withdraw(*, access: Access, post: ModelPost, reason: str, on=None) -> ModelPost:
    MODEL_POSTS.authorize(access, post, "withdraw")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    post.withdrawn_on, post.withdraw_reason = on or timezone.localdate(), reason
    return save_as(post, access.user)
