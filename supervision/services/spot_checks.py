"""Random spot checks (随机抽查): a sample drawn with a stored seed, so anyone can re-derive it."""

import datetime
import random
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Branch, Person
from campaigns.models import CampaignYear
from core.services import save_as

from ..models import Inspection, SpotCheckDraw
from ..workflow import DRAW


def new_seed() -> str:
    """64 random bits from the operating system, as 16 hex digits."""
    return f"{secrets.randbits(64):016x}"


def spot_check_sample(population: Sequence[int], k: int, seed: str) -> list[int]:
    """The sample of a draw: plain Python, so anyone can re-derive it from the stored seed and
    population (``SPOT_CHECK_METHOD``)."""
    return random.Random(int(seed, 16)).sample(list(population), k)


def spot_check_population(*, campaign_year: CampaignYear, population_kind: str) -> list[int]:
    """The candidates, in ascending id order: the institute's active branches, the members of
    those branches, or their activity records (纪实登记, not archived) of the year."""
    branches = Branch.objects.active().filter(committee_id=campaign_year.campaign.committee_id)
    if population_kind == SpotCheckDraw.Population.BRANCHES:
        ids = branches.values_list("pk", flat=True)
    elif population_kind == SpotCheckDraw.Population.MEMBERS:
        ids = Person.objects.members().filter(branch__in=branches).values_list("pk", flat=True)
    elif population_kind == SpotCheckDraw.Population.RECORDS:
        from activities.models import ActivityRecord

        ids = (
            ActivityRecord.objects.active()
            .filter(branch__in=branches, held_on__year=campaign_year.year)
            .values_list("pk", flat=True)
        )
    else:
        raise ValidationError({"population_kind": _("Choose what to draw from.")}, code="population")
    return sorted(ids)


@transaction.atomic
def spot_check_draw_create(
    *,
    access: Access,
    campaign_year: CampaignYear,
    population_kind: str,
    sample_size: int,
    purpose: str = "",
    inspect_on: datetime.date | None = None,
) -> SpotCheckDraw:
    """Draw ``sample_size`` of the population with a fresh random seed and record the draw.
    With ``inspect_on`` (branches only), a spot-check inspection is opened for each branch drawn
    (authorised with the draw: the office of the institute may inspect each of its branches)."""
    actor = access.user
    draw = SpotCheckDraw(
        campaign_year=campaign_year,
        population_kind=population_kind,
        sample_size=sample_size,
        purpose=(purpose or "").strip(),
        drawn_by=actor,
    )
    DRAW.authorize(access, draw, "draw")
    population = spot_check_population(campaign_year=campaign_year, population_kind=population_kind)
    if not population:
        raise ValidationError(_("There is nothing to draw from."), code="empty")
    if not 1 <= sample_size <= len(population):
        raise ValidationError(
            {"sample_size": _("Draw between 1 and %(n)s.") % {"n": len(population)}}, code="sample_size"
        )
    if inspect_on is not None and population_kind != SpotCheckDraw.Population.BRANCHES:
        raise ValidationError(
            {"inspect_on": _("Inspections are opened for drawn branches only.")}, code="inspect_on"
        )
    draw.population = population
    draw.seed = new_seed()
    draw.result = spot_check_sample(population, sample_size, draw.seed)
    save_as(draw, actor)
    if inspect_on is not None:
        for branch in Branch.objects.filter(pk__in=draw.result).order_by("pk"):
            save_as(
                Inspection(
                    campaign_year=campaign_year,
                    branch=branch,
                    kind=Inspection.Kind.SPOT_CHECK,
                    inspected_on=inspect_on,
                    subject=draw.purpose,
                    draw=draw,
                    recorded_by=actor,
                ),
                actor,
            )
    return draw


def spot_check_redraw(draw: SpotCheckDraw) -> list[int]:
    """Recompute a draw's sample from its stored population and seed."""
    return spot_check_sample(draw.population, draw.sample_size, draw.seed)
