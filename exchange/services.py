"""Writes of the experience exchange: keyword-only, atomic, authorised by ``workflow`` before
writing, saved with the actor in the history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from core.evidence import MAX_FILES, validate_evidence
from core.services import save_as

from .models import Article, ArticleFile, ExchangeMeeting
from .workflow import ARTICLES, MEETINGS


def _files(files: Iterable) -> list:
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)s files can be uploaded at once.") % {"n": MAX_FILES}})
    messages = []
    for file in files:
        try:
            validate_evidence(file)
        except ValidationError as refused:
            messages.extend(refused.messages)
    if messages:
        raise ValidationError({"files": messages})
    return files


@transaction.atomic
def article_publish(
    *, access: Access, committee_id: int, branch=None, title: str, body: str, files=()
) -> Article:
    """Publish an experience article of the office (``branch`` empty) or of a branch."""
    article = Article(committee_id=committee_id, branch=branch, published_by=access.user)
    ARTICLES.authorize(access, article, "publish")
    errors = {}
    if branch is not None and branch.committee_id != committee_id:
        errors["branch"] = _("This branch belongs to another institute.")
    if not (title or "").strip():
        errors["title"] = _("Give the article a title.")
    if not (body or "").strip():
        errors["body"] = _("Write the article: what was done and what others can learn from it.")
    if errors:
        raise ValidationError(errors)
    files = _files(files)
    article.title, article.body = title.strip(), body.strip()
    save_as(article, access.user)
    for file in files:
        stored = ArticleFile(
            article=article, original_name=file.name[:255], size=file.size, uploaded_by=access.user
        )
        stored.file.save(file.name, file, save=False)
        save_as(stored, access.user)
    return article


@transaction.atomic
def article_mark(*, access: Access, article: Article, for_meeting: bool) -> Article:
    """Mark an article for the 交流会, or take the mark back (both kept in its history)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    ARTICLES.authorize(access, article, "mark")
    if article.for_meeting != for_meeting:
        article.for_meeting = for_meeting
        article.marked_by, article.marked_at = (access.user, timezone.now()) if for_meeting else (None, None)
        save_as(article, access.user)
    return article


@transaction.atomic
def meeting_record(
    *,
    access: Access,
    committee_id: int,
    title: str,
    held_on: datetime.date,
    place: str = "",
    articles: Iterable[Article] = (),
    branches: Iterable = (),
    other_attendees: str = "",
    summary: str = "",
    today: datetime.date | None = None,
) -> ExchangeMeeting:
    """Record a 交流会 that took place: its date, the articles presented and who attended."""
    meeting = ExchangeMeeting(committee_id=committee_id, recorded_by=access.user)
    MEETINGS.authorize(access, meeting, "record")
    articles, branches = list(articles), list(branches)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the meeting a title.")
    if held_on and held_on > (today or timezone.localdate()):
        errors["held_on"] = _("The date cannot be in the future: record what has taken place.")
    if not articles:
        errors["articles"] = _("Choose at least one article presented at the meeting.")
    elif any(a.committee_id != committee_id for a in articles):
        errors["articles"] = _("An article belongs to another institute.")
    if any(b.committee_id != committee_id for b in branches):
        errors["branches"] = _("This branch belongs to another institute.")
    if not branches and not (other_attendees or "").strip():
        errors["branches"] = _("Name who attended: branches, or others by name.")
    if errors:
        raise ValidationError(errors)
    meeting.title, meeting.held_on, meeting.place = title.strip(), held_on, place.strip()
    meeting.other_attendees, meeting.summary = other_attendees.strip(), summary.strip()
    save_as(meeting, access.user)
    meeting._history_user = access.user
    meeting.articles.set(articles)
    meeting.branches.set(branches)
    return meeting
