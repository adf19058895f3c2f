"""Planning the demo institute in memory: who the people are, who is a party member where,
who moved, who holds which post. Draws everything from one ``random.Random``; writes nothing
(the builder, ``demo.build``, writes the plan)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from branches.models import Person, Position

from .data import (
    _A,
    _B,
    _CENTRE,
    _DIVISION,
    _HEAD_TITLE_OVERRIDES,
    _OFFICE_POSTS,
    _R,
    _RND_POSTS,
    _SURNAME_WEIGHTS,
    BRANCHES,
    DEPARTMENTS,
    GB_SECRETARY_UNIT,
    GENERAL_BRANCHES,
    GIVEN,
    HEAD_TITLES,
    LEADERS_BRANCH,
    LEADING_GROUP,
    MEMBER_CAME_FROM,
    OFFICE,
    POSTS,
    RETIRED_DEPARTMENT,
    RETIREES,
    SECRETARY2_BRANCH,
    SECRETARY_BRANCH,
    STAFF_DEPARTMENT,
    SURNAMES,
    TRANSFERS,
)


@dataclass
class _Plan:
    """One person before it is written."""

    name: str
    gender: str
    birth_date: datetime.date | None
    hired_on: datetime.date
    department: str | None
    status: str
    post: str
    branch: str | None = None
    group: int | None = None  # index of the party group in the branch
    joined_party_on: datetime.date | None = None
    started_on: datetime.date | None = None  # in the current branch
    seeded: bool = False  # a person named in the seed: no invented birth date, no branch post
    transfer_from: str | None = None
    came_on: datetime.date | None = None  # into the previous branch
    username: str | None = None
    employee_no: str = ""
    obj: Person | None = field(default=None, repr=False)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Planner:
    """The draws and the plan of the demo institute; ``demo.build._Builder`` writes it."""

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.names: set[str] = {name for name, *_ in LEADING_GROUP + OFFICE}
        self.serials: dict[int, int] = {}
        self.taken: set[str] = set()  # demo usernames that existed before the load

    # ---- small draws ------------------------------------------------------------------------

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def name(self, gender: str, old: bool) -> str:
        """A surname and one or two given-name characters; unique within the institute."""
        chars = GIVEN[(gender, old)]
        name = ""
        for _attempt in range(50):
            surname = self.rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
            two = self.rng.random() < (0.85 if old else 0.7)
            given = "".join(self.rng.sample(chars, 2 if two else 1))
            if surname in given:
                continue
            name = surname + given
            if name not in self.names:
                break
        self.names.add(name)
        return name

    def employee_no(self, hired_on: datetime.date) -> str:
        """26, then the year of hire in two digits, then a serial within that year."""
        serial = self.serials.get(hired_on.year, 0) + 1
        self.serials[hired_on.year] = serial
        return f"26{hired_on.year % 100:02d}{serial:03d}"

    def post(self, department: str | None, kind: str, age: int) -> str:
        if kind == _DIVISION or department in ("光电产业中心", "声表产业中心"):
            ladder = _RND_POSTS
        else:
            ladder = POSTS.get(department, _OFFICE_POSTS)
        level = 0 if age < 30 else 1 if age < 42 else 2 if self.rng.random() < 0.7 else 1
        return self.rng.choice(ladder[level])

    def person(self, department: str | None, kind: str, *, retired: bool = False) -> _Plan:
        rng, today = self.rng, self.today
        if retired:
            age = int(rng.triangular(60, 88, 68))
            male = rng.random() < 0.55
        else:
            age = int(rng.triangular(23, 59.99, 38))
            male = rng.random() < (0.65 if kind in (_DIVISION, _CENTRE) else 0.5)
        gender = "M" if male else "F"
        birth = self.day_between(
            _add_years(today, -age - 1) + datetime.timedelta(days=1), _add_years(today, -age)
        )
        hired_on = self.day_between(_add_years(birth, 22), _add_years(birth, 27))
        hired_on = min(hired_on, today - datetime.timedelta(days=rng.randint(30, 300)))
        post = self.post(department, kind, min(age, 59))
        return _Plan(
            name=self.name(gender, old=age >= 52),
            gender=gender,
            birth_date=birth,
            hired_on=hired_on,
            department=department,
            status=Person.Status.RETIRED if retired else Person.Status.EMPLOYED,
            post=post,
        )

    def make_member(self, plan: _Plan, branch: str):
        """Party dates: at university for some, after joining the institute for the others."""
        rng, today = self.rng, self.today
        latest = today - datetime.timedelta(days=60)
        if plan.birth_date is None:  # a seed person: only the dates the model requires
            plan.joined_party_on = datetime.date(
                rng.randint(1985, 2005), rng.randint(1, 12), rng.randint(1, 28)
            )
        elif rng.random() < 0.45 or plan.hired_on + datetime.timedelta(days=400) > latest:
            plan.joined_party_on = self.day_between(
                _add_years(plan.birth_date, 19), _add_years(plan.birth_date, 22)
            )
        else:
            plan.joined_party_on = self.day_between(
                plan.hired_on + datetime.timedelta(days=365), min(_add_years(plan.hired_on, 15), latest)
            )
        plan.joined_party_on = min(plan.joined_party_on, latest)
        plan.started_on = max(plan.joined_party_on, plan.hired_on)
        if plan.status == Person.Status.RETIRED:
            retired_on = _add_years(plan.birth_date, 60 if plan.gender == "M" else 55)
            plan.started_on = min(max(plan.started_on, retired_on), latest)
        plan.branch = branch

    # ---- the plan ---------------------------------------------------------------------------

    def plan_people(self) -> list[_Plan]:
        rng = self.rng
        seeded: dict[str | None, list[tuple[_Plan, bool]]] = {}
        for name, _role, title, dept in LEADING_GROUP:
            seeded.setdefault(dept, []).append((self.seed_person(name, title, dept), True))
        for name, _role, title, dept, member in OFFICE:
            seeded.setdefault(dept, []).append((self.seed_person(name, title, dept), member))

        plans = []
        for plan, member in seeded.get(None, []):
            if member:
                self.make_member(plan, LEADERS_BRANCH)
            plans.append(plan)
        for name, kind, headcount, share, member_branches in DEPARTMENTS:
            mine = seeded.get(name, [])
            generated = [self.person(name, kind) for _ in range(headcount - len(mine))]
            self.name_head(name, kind, mine, generated)
            n_members = round(headcount * share) - sum(member for _plan, member in mine)
            for plan in rng.sample(generated, n_members):
                self.make_member(plan, rng.choice(member_branches))
            for plan, member in mine:
                if member:
                    self.make_member(plan, rng.choice(member_branches))
            plans += [plan for plan, _member in mine] + generated
        retired_branches = [name for name, category, *_rest in BRANCHES if category == _R]
        kind = next(kind for name, kind, *_rest in DEPARTMENTS if name == RETIRED_DEPARTMENT)
        for i in range(RETIREES):
            plan = self.person(RETIRED_DEPARTMENT, kind, retired=True)
            self.make_member(plan, retired_branches[i % len(retired_branches)])
            plans.append(plan)
        return plans

    def seed_person(self, name: str, title: str, dept: str | None) -> _Plan:
        # The seed gives names and titles only. Nothing else is invented about these people
        # beyond what the model requires (an employee number, a party date for members).
        hired_on = datetime.date(self.rng.randint(1988, 2002), self.rng.randint(7, 9), 1)
        return _Plan(
            name=name,
            gender="",
            birth_date=None,
            hired_on=hired_on,
            department=dept,
            status=Person.Status.EMPLOYED,
            post=title,
            seeded=True,
        )

    def name_head(self, dept: str, kind: str, seeded: list[tuple[_Plan, bool]], generated: list[_Plan]):
        """The oldest generated person heads the department, unless the seed names its head."""
        head = _HEAD_TITLE_OVERRIDES.get(dept, HEAD_TITLES[kind])
        if generated and not any(f"{dept}{head}" in plan.post for plan, _member in seeded):
            min(generated, key=lambda p: p.birth_date).post = f"{dept}{head}"

    def plan_transfers(self, plans: list[_Plan]):
        """A few members came from another branch of the same category, so the history shows."""
        rng, today = self.rng, self.today
        category = {name: cat for name, cat, *_rest in BRANCHES}
        old_enough = today - datetime.timedelta(days=2 * 365)

        def movable(plan: _Plan) -> bool:
            return bool(plan.branch) and not plan.seeded and plan.started_on <= old_enough

        member = rng.choice([p for p in plans if p.branch == SECRETARY_BRANCH and movable(p)])
        member.username = "member"
        chosen = [(member, MEMBER_CAME_FROM)]
        candidates = [p for p in plans if movable(p) and category[p.branch] in (_B, _A) and p is not member]
        for plan in rng.sample(candidates, TRANSFERS - 1):
            others = [n for n, cat, *_rest in BRANCHES if cat == category[plan.branch] and n != plan.branch]
            chosen.append((plan, rng.choice(others)))
        for plan, came_from in chosen:
            plan.transfer_from = came_from
            plan.came_on = plan.started_on
            plan.started_on = self.day_between(
                plan.came_on + datetime.timedelta(days=365), today - datetime.timedelta(days=90)
            )

    def assign_groups(self, plans: list[_Plan]) -> dict[str, list[_Plan]]:
        """Spread each branch's members over its party groups, none left empty."""
        members_of: dict[str, list[_Plan]] = {}
        for plan in plans:
            if plan.branch:
                members_of.setdefault(plan.branch, []).append(plan)
        for name, *_rest, n_groups in BRANCHES:
            members = members_of[name]
            self.rng.shuffle(members)
            for i, plan in enumerate(members):
                plan.group = i % n_groups
        return members_of

    def plan_positions(self, members_of: dict[str, list[_Plan]]) -> list[tuple]:
        """(plan, title, branch, general branch, group index, started_on, ended_on) for each post.

        Seed people and members who moved recently hold no post; older members are likelier."""
        rng, today = self.rng, self.today
        title = Position.Title
        posts: list[tuple] = []
        holders: dict[str, set[int]] = {}
        formers = 0

        def since(plan: _Plan, elected: datetime.date) -> datetime.date:
            return max(elected, plan.started_on)

        for name, category, *_rest, n_groups in BRANCHES:
            members = members_of[name]
            eligible = sorted(
                (p for p in members if not p.seeded and not p.transfer_from), key=lambda p: p.birth_date
            )
            elected = today - datetime.timedelta(days=rng.randint(90, 1000))
            secretary = rng.choice(eligible[: max(3, len(eligible) // 2)])
            posts.append((secretary, title.SECRETARY, name, None, None, since(secretary, elected), None))
            if name == SECRETARY_BRANCH:
                secretary.username = "secretary"
            elif name == SECRETARY2_BRANCH:
                secretary.username = "secretary2"
            taken = {id(secretary)}
            rest = [p for p in eligible if p is not secretary]
            if rng.random() < 0.8:
                deputy = rng.choice(rest[: max(3, len(rest) // 2)])
                posts.append((deputy, title.DEPUTY, name, None, None, since(deputy, elected), None))
                taken.add(id(deputy))
                rest.remove(deputy)
            for plan in rng.sample(rest, rng.randint(2, 3)):
                posts.append((plan, title.COMMITTEE_MEMBER, name, None, None, since(plan, elected), None))
                taken.add(id(plan))
            for i in range(n_groups):
                in_group = [p for p in eligible if p.group == i and p is not secretary] or [
                    p for p in members if p.group == i
                ]
                leader = rng.choice(in_group)
                posts.append((leader, title.GROUP_LEADER, name, None, i, since(leader, elected), None))
                taken.add(id(leader))
            # A few branches show the secretary before the current one.
            if formers < 3 and category != _R and rng.random() < 0.4:
                began = _add_years(elected, -3)
                former = [p for p in rest if id(p) not in taken and p.started_on <= began]
                if former:
                    plan = rng.choice(former)
                    posts.append(
                        (plan, title.SECRETARY, name, None, None, began, elected - datetime.timedelta(days=1))
                    )
                    taken.add(id(plan))
                    formers += 1
            holders[name] = taken

        for name, _category, _dept in GENERAL_BRANCHES:
            under = [b for b, _c, gb, *_rest in BRANCHES if gb == name]
            eligible = sorted(
                (
                    p
                    for b in under
                    for p in members_of[b]
                    if id(p) not in holders[b] and not p.seeded and not p.transfer_from
                ),
                key=lambda p: p.birth_date,
            )
            plan = rng.choice(eligible[: max(3, len(eligible) // 3)])
            elected = today - datetime.timedelta(days=rng.randint(90, 1000))
            posts.append((plan, title.SECRETARY, None, name, None, since(plan, elected), None))
            if name == GB_SECRETARY_UNIT:
                plan.username = "gbsecretary"
        return posts

    def pick_staff_login(self, plans: list[_Plan]):
        staff = [p for p in plans if p.department == STAFF_DEPARTMENT and not p.branch and not p.seeded]
        self.rng.choice(staff).username = "staff"
        seeded = {p.name: p for p in plans if p.seeded}
        seeded["江波"].username = "jiangbo"
        seeded["章瑜"].username = "zhangyu"
