"""The suggestion box (意见箱): dropped anonymously, handled and answered by those in charge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch, PartyCommittee

from ..models import Suggestion

SUGGESTION_MAX = 4000


@transaction.atomic
def suggestion_submit(
    *, committee: PartyCommittee, branch: Branch | None, text: str, today=None
) -> Suggestion:
    """Drop a suggestion to ``branch`` or, with none, to the campaign office.

    There is deliberately no ``actor`` argument: nothing of who wrote it is passed in, so
    nothing can be stored. The creation writes no history row either (it would carry the
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
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


@transaction.atomic
def suggestion_triage(
    *, suggestion: Suggestion, actor, readdress: bool = False, branch: Branch | None = None
) -> Suggestion:
    """Take a new suggestion in hand; with ``readdress`` (the office only) pass it on to
    ``branch``, or to the office when ``branch`` is None."""
    suggestion = _lock(suggestion)
    if suggestion.status == Suggestion.Status.ANSWERED:
        raise ValidationError(_("This suggestion has already been answered."), code="answered")
    if readdress:
        if branch is not None and branch.committee_id != suggestion.committee_id:
            raise ValidationError({"branch": _("Choose a branch of the same institute.")})
        suggestion.branch = branch
    suggestion.status = Suggestion.Status.TRIAGED
    suggestion._history_user = actor
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_answer(*, suggestion: Suggestion, answer: str, actor, today=None) -> Suggestion:
    """Answer a suggestion; the answer, with who gave it, is then visible to the institute."""
    suggestion = _lock(suggestion)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    suggestion.answer = answer
    suggestion.answered_by = actor
    suggestion.answered_on = today or timezone.localdate()
    suggestion.status = Suggestion.Status.ANSWERED
    suggestion._history_user = actor
    suggestion.save()
    return suggestion
