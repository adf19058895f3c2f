"""The demo year's award cycle with a general branch among its candidates (先进党总支): after the
proposal from the ranking, when that proposed none (in the demo year every general branch has a
branch that fell behind, so the ranking passes them over), the office adds the best-scored
general branch by hand, with its reason, before the public notice opens."""

from __future__ import annotations

from awards.models import Title
from awards.services import candidate_add

REASON = "总支所属各支部按时开展三会一课，总支书记带头讲党课，群众评价好"


def general_branch_candidate(office, cycle) -> None:
    """``office``: the office's ``Access``; ``cycle``: the year's cycle, still proposing."""
    if cycle.candidates.filter(general_branch__isnull=False, removed=False).exists():
        return
    line = cycle.run.general_branch_lines.filter(eligible=True).order_by("rank", "pk").first()
    if line is not None:
        candidate_add(
            access=office, cycle=cycle, title=Title.ADVANCED, general_branch_line=line, reason=REASON
        )
