"""Semi-annual reviews of many units from one common text (issue 21): the office picks the
general branches and branches, writes the text once with placeholders, previews each unit's
version, saves them as drafts of the reviews still to be written, then adjusts and writes each
on its own page."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import Access
from core.services import save_as

from ..models import Review, ReviewRound
from ..workflow import REVIEW

PARTS = ("achievements", "problems", "direction")
# Placeholder → what it becomes for one review. Plain replacement, never str.format: the text
# is the office's, braces in it stay as written.
# Kinds a common text may draft: the units' reviews (a member's is written on its own).
KINDS = (Review.Kind.GENERAL_BRANCH, Review.Kind.BRANCH)


def _general_branch_name(review: Review) -> str:
    if review.general_branch_id:  # a general branch's own review
        return review.general_branch.name
    return review.branch.general_branch.name if review.branch.general_branch_id else ""


PLACEHOLDERS = {
    "{支部}": (gettext_lazy("the name of the branch or general branch reviewed"), lambda r: r.unit.name),
    "{党总支}": (
        gettext_lazy(
            "the general branch's name (its own for a general branch; empty for a branch without one)"
        ),
        _general_branch_name,
    ),
    "{年度}": (gettext_lazy("the campaign year"), lambda r: str(r.round.campaign_year.year)),
}


def render(text: str, review: Review) -> str:
    for token, (_label, value) in PLACEHOLDERS.items():
        text = text.replace(token, value(review))
    return text


def _texts(achievements: str, problems: str, direction: str) -> dict:
    texts = {"achievements": achievements, "problems": problems, "direction": direction}
    texts = {k: (v or "").strip() for k, v in texts.items()}
    if not any(texts.values()):
        raise ValidationError(
            {"achievements": _("Write at least one part of the common text.")}, code="empty"
        )
    return texts


def review_drafts_preview(*, reviews: Sequence[Review], achievements: str, problems: str, direction: str):
    """[(review, {part: text})] as the drafts would be saved (nothing is written)."""
    texts = _texts(achievements, problems, direction)
    return [(r, {k: render(v, r) for k, v in texts.items()}) for r in reviews]


@transaction.atomic
def review_drafts_save(
    *,
    access: Access,
    review_round: ReviewRound,
    reviews: Sequence[Review],
    achievements: str,
    problems: str,
    direction: str,
) -> int:
    """Fill each chosen general-branch or branch review still to be written with the common text
    (a part left empty keeps what the draft had); returns how many. All or nothing: a review
    written meanwhile refuses the lot, naming it."""
    texts = _texts(achievements, problems, direction)
    if not reviews:
        raise ValidationError({"reviews": _("Choose at least one branch or general branch.")}, code="none")
    locked = {
        r.pk: r
        for r in Review.objects.select_for_update(of=("self",))
        .select_related("round__campaign_year__campaign", "general_branch", "branch__general_branch")
        .filter(pk__in=[r.pk for r in reviews])
    }
    written = []
    for review in reviews:
        current = locked.get(review.pk)
        if current is None or current.round_id != review_round.pk or current.kind not in KINDS:
            raise ValidationError(
                {"reviews": _("A review chosen is not a branch's or general branch's review of this round.")}
            )
        if current.status != Review.Status.PENDING:
            written.append(current.unit.name)
        else:
            REVIEW.authorize(access, current, "draft")
    if written:
        raise ValidationError(
            {"reviews": _("Already written, so not drafted: %(names)s.") % {"names": "、".join(written)}},
            code="written",
        )
    for review in locked.values():
        for part, text in texts.items():
            if text:
                setattr(review, part, render(text, review))
        save_as(review, access.user)
    return len(locked)
