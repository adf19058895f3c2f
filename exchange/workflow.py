"""Who may do what in the experience exchange: the one place it is decided (``core.workflow``).

- An article is published on behalf of the campaign office by whom ``activities.reading_list``
  reaches the institute (the office publishes to the whole institute, as its reading lists), or
  on behalf of a branch by whom ``activities.change`` reaches the branch (its secretaries).
- Marking an article for the 交流会 and recording the meeting are the office's.
Nothing has a state: the actions are allowed at any time."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from activities.workflow import reaches_committee
from core.workflow import ANY, Workflow

PUBLISHER, OFFICE = "publisher", "office"
OFFICE_PERMISSION = "activities.reading_list"


def is_office(access, committee_id: int) -> bool:
    return reaches_committee(access, OFFICE_PERMISSION, committee_id)


class _Stateless(Workflow):
    def state(self, obj) -> str:
        return ""


class ArticleWorkflow(_Stateless):
    steady = {"publish": ANY, "mark": ANY}
    actors = {"publish": PUBLISHER, "mark": OFFICE}
    labels = {"publish": gettext_lazy("Publish"), "mark": gettext_lazy("Mark for the exchange meeting")}
    refused = gettext_lazy("You may not publish or mark this article.")

    def parts(self, access, article) -> set[str]:
        parts = set()
        office = is_office(access, article.committee_id)
        if office:
            parts.add(OFFICE)
        if article.branch_id is None:
            if office:
                parts.add(PUBLISHER)
        elif access.reaches_branch("activities.change", article.branch):
            parts.add(PUBLISHER)
        return parts


class MeetingWorkflow(_Stateless):
    steady = {"record": ANY}
    actors = {"record": OFFICE}
    labels = {"record": gettext_lazy("Record an exchange meeting")}
    refused = gettext_lazy("Only the campaign office records exchange meetings.")

    def parts(self, access, meeting) -> set[str]:
        return {OFFICE} if is_office(access, meeting.committee_id) else set()


ARTICLES = ArticleWorkflow()
MEETINGS = MeetingWorkflow()
