"""The roster's 职务 column: a member's positions in the branch of the row (党小组长: of the row's
party group), e.g. ``组织委员、党小组长``. General-branch positions are not in the roster.

Checking plans, per row, the positions that end (dropped from the cell, or given up by a
transfer or a leave, which end every position in the old branch) and those that start; a
position held by one person at a time that someone else keeps is an error. Applying ends first,
then starts, through ``branches.positions``, so that two rows may swap a post."""

import datetime
import re

from django.db.models import Q

from ..models import Position
from ..positions import position_appoint, position_end
from .columns import COLUMN, RosterError
from .read import _text

# The file's vocabulary (fixed, not translated), in the order the cell is written.
TITLES = {
    "书记": Position.Title.SECRETARY,
    "副书记": Position.Title.DEPUTY,
    "组织委员": Position.Title.ORGANISATION,
    "宣传委员": Position.Title.PROPAGANDA,
    "纪检委员": Position.Title.DISCIPLINE,
    "委员": Position.Title.COMMITTEE_MEMBER,
    "党小组长": Position.Title.GROUP_LEADER,
}
WORDS = {title: word for word, title in TITLES.items()}
ORDER = list(TITLES.values())
_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def cell(titles) -> str:
    """The 职务 cell for ``titles``."""
    return "、".join(WORDS[title] for title in sorted(set(titles), key=ORDER.index))


class PositionPlanner:
    """Open positions of the committee's branches, loaded in one query."""

    def __init__(self, committee, today: datetime.date):
        self.today = today
        self.held: dict[int, list[Position]] = {}  # person → open positions in branches
        self.seats: dict[tuple, int] = {}  # (branch, title) or (group, 党小组长) → person
        open_positions = (
            Position.objects.filter(branch__committee=committee)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)
            .select_related("branch", "party_group")
        )
        for position in open_positions:
            self.held.setdefault(position.person_id, []).append(position)
            key = self._seat(position.title, position.branch_id, position.party_group_id)
            if key:
                self.seats[key] = position.person_id
        self.claims: dict[tuple, tuple[int, str, int | None]] = {}  # seat → (row, name, person)
        self.released: set[tuple] = set()

    @staticmethod
    def _seat(title, branch_id, group_id):
        if title == Position.Title.GROUP_LEADER:
            return ("group", group_id)
        if title in Position.SINGLE_SEAT_TITLES:
            return ("branch", branch_id, title)
        return None

    def plan(self, checker, row: int, raw: dict, plan, is_member) -> None:
        """Fill ``plan.position_ends`` and ``plan.position_starts`` for one checked row."""
        person = plan.person
        current = self.held.get(person.pk, []) if person else []
        in_file = "positions" in raw
        wanted: list[str] = []
        if in_file and (text := _text(raw["positions"])):
            for word in filter(None, _SEPARATORS.split(text)):
                if word not in TITLES:
                    checker.error("bad_choice", row, "positions", value=word, choices="、".join(TITLES))
                    return
                wanted.append(TITLES[word])
            if is_member is not True or plan.branch is None:
                checker.error("positions_not_member", row, "positions")
                return
            if Position.Title.GROUP_LEADER in wanted and plan.party_group is None:
                checker.error("group_leader_needs_group", row, "positions")
                return
        moving = plan.membership in ("transfer", "leave")
        if moving and person and plan.branch and person.branch_id == plan.branch.pk:
            # A move between groups of one branch ends only the 党小组长 post of the old group.
            ending = [p for p in current if p.title == Position.Title.GROUP_LEADER]
        elif moving:
            ending = list(current)
        else:
            ending = []
        kept = [p for p in current if p not in ending]
        if in_file:
            ending += [p for p in kept if p.title not in wanted]
            kept = [p for p in kept if p.title in wanted]
            plan.position_starts = sorted(set(wanted) - {p.title for p in kept}, key=ORDER.index)
        plan.position_ends = ending
        for position in ending:
            self.released.add(self._seat(position.title, position.branch_id, position.party_group_id))
        for title in plan.position_starts:
            seat = self._seat(title, plan.branch.pk, plan.party_group.pk if plan.party_group else None)
            if seat is None:
                continue
            if seat in self.claims:
                first = self.claims[seat][0]
                checker.error("position_twice", row, "positions", title=WORDS[title], first=first)
            else:
                self.claims[seat] = (row, WORDS[title], person.pk if person else None)

    def finish(self, checker) -> None:
        """A post someone else keeps (not ended in this file) cannot be given."""
        for seat, (row, word, person_id) in self.claims.items():
            holder = self.seats.get(seat)
            if holder is not None and holder != person_id and seat not in self.released:
                checker.errors.append(
                    RosterError("position_taken", row, COLUMN["positions"].header, {"title": word})
                )


def apply_positions(plans, *, access, today: datetime.date) -> None:
    """End, then start, the positions the plans name (after the memberships are applied)."""
    ends = [position.pk for plan in plans for position in plan.position_ends]
    yesterday = today - datetime.timedelta(days=1)
    for position in Position.objects.filter(pk__in=ends).not_ended_by(today).select_related("person"):
        position_end(position=position, ended_on=max(yesterday, position.started_on), access=access)
    for plan in plans:
        for title in plan.position_starts:
            position_appoint(
                unit=plan.branch,
                person=plan.person,
                title=title,
                party_group=plan.party_group,
                started_on=today,
                access=access,
            )
