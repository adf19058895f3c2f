"""What the generator has written so far, kept in memory so that later steps can point at it
(primary keys only; nothing is read back from the database)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from .copy import Copier
from .names import Namer

# The logins the benchmark uses (all share one password): the people behind them are picked in
# the first institute while building.
PASSWORD = "Bench-pass-2026"
LOGINS = {
    "admin": "bench_admin",
    "leading_group": "bench_leader",
    "office": "bench_office",
    "gb_secretary": "bench_gbsecretary",
    "secretary": "bench_secretary",
    "member": "bench_member",
    "staff": "bench_staff",
}


@dataclass
class Targets:
    """The group's size at scale 1 (issue 7), multiplied by ``scale``."""

    scale: float
    branches: int = 0
    members: int = 0
    staff: int = 0
    records: int = 0
    member_pledges: int = 0
    commitments: int = 0
    ballots: int = 0
    committees: int = 0

    @classmethod
    def at(cls, scale: float) -> Targets:
        t = cls(scale=scale)
        t.branches = max(4, round(5_000 * scale))
        t.members = max(t.branches * 6, round(100_000 * scale))
        t.staff = max(t.members, round(150_000 * scale))
        t.records = round(1_000_000 * scale)
        t.member_pledges = t.members
        t.commitments = round(300_000 * scale)
        t.ballots = round(400_000 * scale)
        t.committees = max(2, min(8, t.branches // 60))
        return t


@dataclass
class Branch:
    id: int
    committee: Committee
    name: str
    category: str
    general_branch: int | None = None
    department: int | None = None
    groups: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # person ids; members[0] is the secretary
    group_of: dict[int, int] = field(default_factory=dict)  # person id -> party group id

    @property
    def secretary(self) -> int:
        return self.members[0]


@dataclass
class Department:
    id: int
    name: str
    kind: str
    branches: list[Branch] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)  # employed person ids


@dataclass
class Committee:
    id: int
    index: int
    name: str
    short_name: str
    departments: list[Department] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    general_branches: list[tuple[int, str, str, int | None]] = field(default_factory=list)
    office: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    campaign_year: object = None  # campaigns.CampaignYear


@dataclass
class World:
    targets: Targets
    rng: random.Random
    today: datetime.date
    copier: Copier = field(default_factory=Copier)
    committees: list[Committee] = field(default_factory=list)
    user_of: dict[int, int] = field(default_factory=dict)  # person id -> user id
    password_hash: str = ""
    admin_user: int | None = None
    usernames: dict[int, str] = field(default_factory=dict)  # person id -> username
    login_branch: Branch | None = None  # the branch of the benchmark's secretary and member
    _people_rows: list = field(default_factory=list)

    def __post_init__(self):
        self.namer = Namer(self.rng)

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def branches(self):
        return [b for c in self.committees for b in c.branches]

    def office_user(self, committee: Committee) -> int:
        return self.user_of[committee.office[0]]
