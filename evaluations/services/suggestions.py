"""The suggestion box (意见箱): dropped anonymously, handled and answered by those in charge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Branch, PartyCommittee
from core.services import lock, save_as

from ..models import Suggestion
from ..workflow import SUGGESTION

SUGGESTION_MAX = 4000


@transaction.atomic
def suggestion_submit(
    *, committee: PartyCommittee, branch: Branch | None, text: str, today=None
) -> Suggestion:
    """Drop a suggestion to ``branch`` or, with none, to the campaign office.

    There is deliberately no ``access`` argument (the one write service without it, with the
    ballot): nothing of who wrote it is passed in, so nothing can be stored. The creation writes no history row either (it would carry the
    request's user); the history begins when someone in charge handles it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your suggestion.")})
    if len(text) > SUGGESTION_MAX:
        raise ValidationError({"text": _("At most %(max)s characters, please.") % {"max": SUGGESTION_MAX}})
    if branch is not None and (branch.committee_id != committee.pk or not branch.is_active):
        raise ValidationError({"branch": _("Choose a branch of your institute.")})
    suggestion = Suggestion(
        committee=committee, branch=branch, text=text, submitted_on=today or timezone.localdate()
    )
    suggestion.skip_history_when_saving = True
    suggestion.save()
    return suggestion


def _lock(suggestion: Suggestion) -> Suggestion:
    """The suggestion as it is now (another handler may have passed it on or answered it)."""
    return lock(suggestion, refresh=("status", "branch_id", "answer"), select_related=("branch",))


@transaction.atomic
def suggestion_triage(
    *, suggestion: Suggestion, access: Access, readdress: bool = False, branch: Branch | None = None
) -> Suggestion:
    """Take a new suggestion in hand; with ``readdress`` (the office only) pass it on to
    ``branch``, or to the office when ``branch`` is None."""
    SUGGESTION.authorize(access, _lock(suggestion), "triage")
    if readdress:
        SUGGESTION.authorize(access, suggestion, "readdress")
        if branch is not None and branch.committee_id != suggestion.committee_id:
            raise ValidationError({"branch": _("Choose a branch of the same institute.")})
        suggestion.branch = branch
    SUGGESTION.advance(suggestion, "triage")
    return save_as(suggestion, access.user)


@transaction.atomic
def suggestion_answer(*, suggestion: Suggestion, answer: str, access: Access, today=None) -> Suggestion:
    """Answer a suggestion; the answer, with who gave it, is then visible to the institute."""
    SUGGESTION.authorize(access, _lock(suggestion), "answer")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    suggestion.answer = answer
    suggestion.answered_by = access.user
    suggestion.answered_on = today or timezone.localdate()
    SUGGESTION.advance(suggestion, "answer")
    return save_as(suggestion, access.user)
