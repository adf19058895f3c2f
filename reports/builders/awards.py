"""The annual award list (表彰决定): the approved candidates by title and unit, and the model
posts designated in the year."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from awards.models import AwardCycle, Candidate, ModelPost, Title

from ..registry import Params, Report, register
from ..table import Column, Section, Table

TITLE_ORDER = [Title.FIVE_GOOD, Title.ADVANCED, Title.OUTSTANDING, Title.MODEL_POST]


def _cycle(params: Params) -> AwardCycle | None:
    return (
        AwardCycle.objects.filter(campaign_year=params.year).select_related("campaign_year__campaign").first()
    )


# Titles given to people (counted in 名); the others go to branches (counted in 个).
PERSON_TITLES = {Title.OUTSTANDING, Title.MODEL_POST}
# The masthead is one line across the A4 page's 174 mm (WeasyPrint's points: 2.835 per mm).
MASTHEAD_WIDTH_PT = 174 * 2.835
MASTHEAD_MAX_PT = 26


def masthead_size(text: str) -> float:
    """The largest font size (pt, at most 26) at which ``text`` fits one line, so a long
    committee's name is set smaller rather than broken inside a word (第二十六研 / 究所…)."""
    spacing = 2  # the masthead's letter spacing, pt
    return round(min(MASTHEAD_MAX_PT, MASTHEAD_WIDTH_PT / max(len(text), 1) - spacing), 1)


def award_groups(params: Params) -> list[tuple[str, list[tuple[str, str]], bool]]:
    """[(title label, [(name, unit), ...], given to people?), ...] in the order of the notice.
    Two queries.

    先进党总支(支部) may go to general branches as well as branches: then, as a decision names
    them, the general branches come first under 先进党总支 and the branches follow under 先进党支部
    (grouped by their general branch), each counted in 个."""
    cycle = _cycle(params)
    by_title: dict[str, list[tuple[str, str]]] = {t: [] for t in TITLE_ORDER}
    general_branches: list[tuple[str, str]] = []
    candidates = (
        Candidate.objects.filter(cycle=cycle, removed=False)
        .select_related("branch__general_branch", "general_branch", "person")
        .order_by(
            "general_branch__sort_order",
            "general_branch__name_key",
            "branch__general_branch__sort_order",
            "branch__sort_order",
            "branch__name_key",
            "person__name",
            "pk",
        )
    )
    for c in candidates:
        if c.person_id:
            by_title[c.title].append((c.person.name, c.branch.name))
        elif c.general_branch_id:
            general_branches.append((c.general_branch.name, ""))
        else:
            unit = c.branch.general_branch.name if c.branch.general_branch_id else ""
            by_title[c.title].append((c.branch.name, unit))
    year = params.year.year
    posts = (
        ModelPost.objects.filter(
            branch__committee_id=params.year.campaign.committee_id,
            designated_on__gte=datetime.date(year, 1, 1),
            designated_on__lte=datetime.date(year, 12, 31),
            withdrawn_on__isnull=True,
        )
        .select_related("person", "branch")
        .order_by("branch__sort_order", "branch__name_key", "person__name", "pk")
    )
    for post in posts:
        by_title[Title.MODEL_POST].append((f"{post.person.name}（{post.post_name}）", post.branch.name))
    labels = dict(Title.choices)
    groups = []
    for t, rows in by_title.items():
        if t == Title.ADVANCED and general_branches:
            groups.append((pgettext("award title", "Advanced general branches"), general_branches, False))
            if rows:
                groups.append((pgettext("award title", "Advanced branches"), rows, False))
        elif rows:
            groups.append((str(labels[t]), rows, t in PERSON_TITLES))
    return groups


@register
class AwardList(Report):
    key = "award_list"
    title = gettext_lazy("Award list")
    description = gettext_lazy(
        "The decision on the year's awards in the form of an official notice: the approved lists by title and unit."
    )
    permission = "awards.view"

    def title_for(self, params: Params) -> str:
        return _("Decision on the commendations of the %(year)s campaign") % {"year": params.year.year}

    def check(self, access, params: Params) -> None:
        cycle = _cycle(params)
        if cycle is None or not cycle.is_frozen:
            raise ValidationError(
                _("The award list of %(year)s has not been approved yet.") % {"year": params.year.year}
            )

    def count(self, access, params: Params) -> int:
        return sum(len(rows) + 1 for _label, rows, _people in award_groups(params))

    def table(self, access, params: Params) -> Table:
        groups = award_groups(params)

        def rows():
            for label, entries, _people in groups:
                yield (Section(label),)
                for n, (name, unit) in enumerate(entries, start=1):
                    yield (label, n, name, unit)

        committee = params.year.campaign.committee.name
        return Table(
            title=self.title_for(params),
            subtitle=[committee],
            columns=[
                Column(_("Title"), width=22),
                Column(_("No."), "int", width=6),
                Column(_("Name"), width=30),
                Column(_("Unit"), width=30),
            ],
            rows=rows(),
            count=sum(len(e) + 1 for _label, e, _people in groups),
            sheet_name=_("Award list"),
        )

    def pdf(self, access, params: Params, progress=None) -> tuple[str, dict]:
        cycle = _cycle(params)
        committee = params.year.campaign.committee.name
        issued = cycle.announced_on or (
            timezone.localtime(cycle.approved_at).date() if cycle.approved_at else None
        )
        groups = []
        for label, entries, people in award_groups(params):
            units: dict[str, list[str]] = {}
            for name, unit in entries:
                units.setdefault(unit, []).append(name)
            groups.append(
                {"label": label, "units": list(units.items()), "count": len(entries), "people": people}
            )
        masthead = _("%(committee)s document") % {"committee": committee}
        return "reports/pdf/award_list.html", {
            "title": self.title_for(params),
            "committee": committee,
            "masthead": masthead,
            "masthead_size": masthead_size(masthead),
            "document_number": cycle.document_number,
            "year": params.year.year,
            "campaign": params.year.campaign,
            "groups": groups,
            "issued_on": issued,
        }
