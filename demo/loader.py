"""A demo institute: the 26th Research Institute of the seed with its leading group and campaign
office, a plausible tree of general branches, branches and party groups, ~600 staff, ~300 party
members, and one login per role.

Everything is drawn from ``random.Random(seed)``, so the same seed gives the same institute.
Rows are written with ``bulk_create_with_history`` (each one gets its audit row); the few
transfers go through the membership services so that their history reads like real ones.
The load is idempotent: when the committee exists, nothing is written.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.access import Role
from accounts.models import User
from branches.models import (
    Branch,
    BranchCategory,
    Department,
    GeneralBranch,
    Membership,
    PartyCommittee,
    PartyGroup,
    Person,
    Position,
)
from branches.services import member_join, member_transfer
from campaigns.models import Campaign, ContactPoint, LeadingGroupMember, OfficeMember
from campaigns.services import campaign_year_create

COMMITTEE_NAME = "中共中国电子科技集团公司第二十六研究所委员会"
COMMITTEE_SHORT_NAME = "二十六所党委"
CAMPAIGN_NAME = "二十六所深入开展创先争优活动"
CAMPAIGN_THEME = "做研发先锋，当创新标兵"
CAMPAIGN_STARTED_ON = datetime.date(2010, 5, 10)

# Passes the project's validators (length ≥ 10, not common, not numeric, not like a username).
DEMO_PASSWORD = "Cxzy-demo-2026"
CHANGE_REASON = "demo_load"

_B, _A, _S, _R = (
    BranchCategory.BUSINESS,
    BranchCategory.ADMINISTRATION,
    BranchCategory.SERVICE,
    BranchCategory.RETIRED,
)
_OFFICE, _CENTRE, _DIVISION = Department.Kind.OFFICE, Department.Kind.CENTRE, Department.Kind.DIVISION

# The seed, §二. Institute leaders sit above the departments (no department of their own).
# (name, role, title, department)
LEADING_GROUP = [
    ("江波", LeadingGroupMember.Role.LEADER, "党委副书记、副所长", None),
    ("沈虹", LeadingGroupMember.Role.DEPUTY, "党委副书记、纪委书记", None),
    ("欧黎", LeadingGroupMember.Role.DEPUTY, "所长", None),
    ("胡少勤", LeadingGroupMember.Role.MEMBER, "副所长", None),
    ("秦廷辉", LeadingGroupMember.Role.MEMBER, "副所长", None),
    ("范方云", LeadingGroupMember.Role.MEMBER, "总会计师", None),
    ("吴应康", LeadingGroupMember.Role.MEMBER, "工会主席", None),
]
# (name, role, title, department, party member?)
OFFICE = [
    ("章瑜", OfficeMember.Role.DIRECTOR, "党群工作处副处长", "党群工作处", True),
    ("张涛", OfficeMember.Role.MEMBER, "所长助理、组织人事处处长", "组织人事处", True),
    ("吴兆刚", OfficeMember.Role.MEMBER, "综合办公室副主任", "综合办公室", True),
    ("张旋", OfficeMember.Role.MEMBER, "监察审计室副主任", "监察审计室", True),
    ("周尚平", OfficeMember.Role.MEMBER, "组织人事处组织干事", "组织人事处", True),
    ("王彤", OfficeMember.Role.MEMBER, "党群工作处宣传干事", "党群工作处", False),
    ("曾翀", OfficeMember.Role.MEMBER, "党群工作处组织干事", "党群工作处", True),
]
# The branch the institute leaders (no department) are members of.
LEADERS_BRANCH = "机关第一党支部"

# (name, category, department)
GENERAL_BRANCHES = [
    ("第一事业部党总支", _B, "第一事业部"),
    ("第二事业部党总支", _B, "第二事业部"),
    ("第三事业部党总支", _B, "第三事业部"),
    ("第四事业部党总支", _B, "第四事业部"),
    ("离退休党总支", _R, "离退休管理处"),
]
# (name, category, general branch, department, party groups). The 机关 branches each cover
# several functional offices, so they name no single department.
BRANCHES = [
    ("第一事业部第一党支部", _B, "第一事业部党总支", "第一事业部", 3),
    ("第一事业部第二党支部", _B, "第一事业部党总支", "第一事业部", 2),
    ("第一事业部第三党支部", _B, "第一事业部党总支", "第一事业部", 2),
    ("第二事业部第一党支部", _B, "第二事业部党总支", "第二事业部", 3),
    ("第二事业部第二党支部", _B, "第二事业部党总支", "第二事业部", 2),
    ("第三事业部第一党支部", _B, "第三事业部党总支", "第三事业部", 2),
    ("第三事业部第二党支部", _B, "第三事业部党总支", "第三事业部", 3),
    ("第三事业部第三党支部", _B, "第三事业部党总支", "第三事业部", 2),
    ("第四事业部第一党支部", _B, "第四事业部党总支", "第四事业部", 2),
    ("第四事业部第二党支部", _B, "第四事业部党总支", "第四事业部", 2),
    ("光电产业中心党支部", _B, None, "光电产业中心", 3),
    ("声表产业中心党支部", _B, None, "声表产业中心", 2),
    ("机关第一党支部", _A, None, None, 3),
    ("机关第二党支部", _A, None, None, 3),
    ("机关第三党支部", _A, None, None, 2),
    ("后勤服务党支部", _S, None, "后勤服务中心", 2),
    ("离退休第一党支部", _R, "离退休党总支", "离退休管理处", 3),
    ("离退休第二党支部", _R, "离退休党总支", "离退休管理处", 3),
]
_DIV1 = ("第一事业部第一党支部", "第一事业部第二党支部", "第一事业部第三党支部")
_DIV2 = ("第二事业部第一党支部", "第二事业部第二党支部")
_DIV3 = ("第三事业部第一党支部", "第三事业部第二党支部", "第三事业部第三党支部")
_DIV4 = ("第四事业部第一党支部", "第四事业部第二党支部")
# (name, kind, employed headcount incl. seed people, share of party members, branches of its members)
DEPARTMENTS = [
    ("党群工作处", _OFFICE, 9, 0.75, ("机关第一党支部",)),
    ("组织人事处", _OFFICE, 10, 0.7, ("机关第一党支部",)),
    ("综合办公室", _OFFICE, 14, 0.6, ("机关第一党支部",)),
    ("监察审计室", _OFFICE, 6, 0.7, ("机关第一党支部",)),
    ("科技处", _OFFICE, 12, 0.6, ("机关第二党支部",)),
    ("质量处", _OFFICE, 14, 0.5, ("机关第二党支部",)),
    ("财务处", _OFFICE, 12, 0.55, ("机关第三党支部",)),
    ("保卫保密处", _OFFICE, 10, 0.6, ("机关第三党支部",)),
    ("规划发展处", _OFFICE, 8, 0.6, ("机关第二党支部",)),
    ("第一事业部", _DIVISION, 95, 0.38, _DIV1),
    ("第二事业部", _DIVISION, 62, 0.38, _DIV2),
    ("第三事业部", _DIVISION, 90, 0.38, _DIV3),
    ("第四事业部", _DIVISION, 62, 0.38, _DIV4),
    ("光电产业中心", _CENTRE, 60, 0.38, ("光电产业中心党支部",)),
    ("声表产业中心", _CENTRE, 56, 0.38, ("声表产业中心党支部",)),
    ("后勤服务中心", _CENTRE, 46, 0.25, ("后勤服务党支部",)),
    # 未设党支部的中心: its members belong to a 机关 branch.
    ("信息中心", _CENTRE, 18, 0.45, ("机关第二党支部",)),
    ("离退休管理处", _OFFICE, 6, 0.6, ("机关第三党支部",)),
]
# Departments with no branch set up for them (未设党支部的处及中心); their members attend another's.
WITHOUT_BRANCH = {"信息中心"}
RETIRED_DEPARTMENT = "离退休管理处"
RETIREES = 52

# The logins printed after the load: (username, intended primary role). The people behind them
# are picked while building; on a later run they are found again by username.
LOGINS = [
    ("admin", Role.ADMIN),
    ("jiangbo", Role.LEADING_GROUP),
    ("zhangyu", Role.OFFICE),
    ("gbsecretary", Role.SECRETARY),
    ("secretary", Role.SECRETARY),
    ("secretary2", Role.SECRETARY),
    ("member", Role.MEMBER),
    ("staff", Role.STAFF),
]
SECRETARY_BRANCH = "第一事业部第一党支部"  # "secretary" and "member"
SECRETARY2_BRANCH = "光电产业中心党支部"  # directly under the committee
GB_SECRETARY_UNIT = "第一事业部党总支"
MEMBER_CAME_FROM = "第二事业部第一党支部"
STAFF_DEPARTMENT = "第一事业部"
TRANSFERS = 6  # members with a transfer in their history, the "member" login included

# Names: surnames roughly by frequency (the first ones more often), given names by generation.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [4] * 20 + [2] * 30 + [1] * (len(SURNAMES) - 50)
GIVEN = {
    (
        "M",
        False,
    ): "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林峰建志新文东海亮成康毅翔晨博锐航哲然睿轩阳剑锋彬",
    ("F", False): "芳娜敏静丽艳娟霞燕玲婷雪琳慧莉萍红洁颖倩蓉丹梅琴蕾雯悦欣怡佳璐瑶薇晶婧月露茜璇",
    ("M", True): "建国华明德志福永庆荣祥忠贵宝春树林生成学光正元文",
    ("F", True): "秀英桂兰淑珍玉芬凤琴芳华云丽萍素梅翠玲彩",
}

# Posts by department, by seniority (junior, middle, senior).
_RND_POSTS = (
    ["助理工程师", "技术员", "工艺员"],
    ["工程师", "工程师", "工艺工程师", "技师"],
    ["高级工程师", "高级工程师", "研究员", "高级技师"],
)
POSTS = {
    "财务处": (["助理会计师", "出纳"], ["会计师", "会计师", "主任科员"], ["高级会计师", "会计师"]),
    "监察审计室": (["科员"], ["审计师", "主任科员"], ["高级审计师", "主任科员"]),
    "质量处": (["质量管理员", "检验员"], ["质量工程师", "工程师"], ["高级工程师", "质量工程师"]),
    "科技处": (["科员"], ["工程师", "主任科员"], ["高级工程师", "研究员"]),
    "信息中心": (["技术员"], ["网络工程师", "工程师"], ["高级工程师"]),
    "保卫保密处": (["保密干事", "科员"], ["主任科员", "保密干事"], ["主任科员"]),
    "综合办公室": (["科员", "档案管理员"], ["秘书", "主任科员"], ["主任科员", "经济师"]),
    "后勤服务中心": (["物业管理员", "驾驶员", "炊事员"], ["电工", "技师", "驾驶员"], ["高级技师", "技师"]),
}
_OFFICE_POSTS = (["科员"], ["主任科员", "副主任科员", "经济师"], ["主任科员", "高级经济师"])
HEAD_TITLES = {_OFFICE: "处长", _CENTRE: "主任", _DIVISION: "部长"}
_HEAD_TITLE_OVERRIDES = {"综合办公室": "主任", "监察审计室": "主任"}


@dataclass(frozen=True)
class DemoLogin:
    role: str  # the intended primary role (accounts.access.Role)
    username: str
    password: str | None  # None: not the demo password any more
    name: str
    unit: str  # where the role applies: seat title, branch or department

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class DemoResult:
    committee: PartyCommittee
    campaign: Campaign | None
    created: bool
    logins: list[DemoLogin]
    people: int
    members: int
    staff: int


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


def demo_load(*, seed: int = 2026, today: datetime.date | None = None) -> DemoResult:
    """Load the demo institute unless it is there already; return its logins and head counts."""
    committee = PartyCommittee.objects.filter(name=COMMITTEE_NAME).first()
    if committee is not None:
        return _result(committee, created=False)
    builder = _Builder(random.Random(seed), today or timezone.localdate())
    with transaction.atomic():
        committee = builder.build()
    return _result(committee, created=True, check=builder.taken)


def _result(committee: PartyCommittee, *, created: bool, check: set[str] | None = None) -> DemoResult:
    people = Person.objects.filter(committee=committee)
    return DemoResult(
        committee=committee,
        campaign=committee.campaigns.order_by("-started_on").first(),
        created=created,
        logins=_logins(committee, check=check),
        people=people.count(),
        members=people.members().count(),
        staff=people.staff().count(),
    )


def _logins(committee: PartyCommittee, *, check: set[str] | None = None) -> list[DemoLogin]:
    """The demo logins as they are now in the database (also on a later run).

    A login whose password is not the demo password (changed since, or an account that existed
    before the load) shows ``password=None``. ``check`` names the logins to check (None: all);
    the demo accounts share one hash, so checking them all costs one hashing, not eight."""
    users = {u.username: u for u in User.objects.filter(username__in=[u for u, _ in LOGINS])}
    people = {
        p.user_id: p
        for p in Person.objects.filter(committee=committee, user__in=users.values()).select_related(
            "branch", "department"
        )
    }
    seats = {s.person_id: s.title for s in LeadingGroupMember.objects.filter(campaign__committee=committee)}
    seats.update({s.person_id: s.title for s in OfficeMember.objects.filter(campaign__committee=committee)})
    positions = {
        p.person_id: p.unit.name
        for p in Position.objects.filter(
            person__in=people.values(), title=Position.Title.SECRETARY, ended_on__isnull=True
        ).select_related("branch", "general_branch")
    }
    demo_hashes: dict[str, bool] = {}

    def password(user: User) -> str | None:
        if check is not None and user.username not in check:
            return DEMO_PASSWORD
        if user.password not in demo_hashes:
            demo_hashes[user.password] = check_password(DEMO_PASSWORD, user.password)
        return DEMO_PASSWORD if demo_hashes[user.password] else None

    rows = []
    for username, role in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        person = people.get(user.pk)
        if role == Role.ADMIN:
            rows.append(DemoLogin(role, username, password(user), user.display_name(), ""))
            continue
        if person is None:  # not one of this institute's people (taken before the load, or relinked)
            continue
        if role in (Role.LEADING_GROUP, Role.OFFICE):
            unit = seats.get(person.pk, "")
        elif role == Role.SECRETARY:
            unit = positions.get(person.pk, "")
        elif role == Role.MEMBER:
            unit = person.branch.name if person.branch else ""
        else:
            unit = person.department.name if person.department else ""
        rows.append(DemoLogin(role, username, password(user), person.name, unit))
    return rows


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Builder:
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

    # ---- the build --------------------------------------------------------------------------

    def build(self) -> PartyCommittee:
        history = {"default_change_reason": CHANGE_REASON}
        committee = PartyCommittee(name=COMMITTEE_NAME, short_name=COMMITTEE_SHORT_NAME)
        committee._change_reason = CHANGE_REASON
        committee.save()

        departments = _by_name(
            bulk_create_with_history(
                [
                    Department(committee=committee, name=name, kind=kind, sort_order=i)
                    for i, (name, kind, *_rest) in enumerate(DEPARTMENTS)
                ],
                Department,
                **history,
            )
        )
        general_branches = _by_name(
            bulk_create_with_history(
                [
                    GeneralBranch(
                        committee=committee,
                        name=name,
                        category=category,
                        department=departments[dept],
                        sort_order=i,
                    )
                    for i, (name, category, dept) in enumerate(GENERAL_BRANCHES)
                ],
                GeneralBranch,
                **history,
            )
        )
        branches = _by_name(
            bulk_create_with_history(
                [
                    Branch(
                        committee=committee,
                        name=name,
                        category=category,
                        general_branch=general_branches[gb] if gb else None,
                        sort_order=i,
                    )
                    for i, (name, category, gb, _dept, _groups) in enumerate(BRANCHES)
                ],
                Branch,
                **history,
            )
        )
        Branch.departments.through.objects.bulk_create(
            Branch.departments.through(branch_id=branches[b].pk, department_id=departments[dept].pk)
            for dept, _kind, _n, _share, member_branches in DEPARTMENTS
            if dept not in WITHOUT_BRANCH
            for b in member_branches
        )
        groups: dict[str, list[PartyGroup]] = {
            name: [PartyGroup(branch=branches[name], name=GROUP_NAMES[i]) for i in range(n_groups)]
            for name, *_rest, n_groups in BRANCHES
        }
        bulk_create_with_history([g for gs in groups.values() for g in gs], PartyGroup, **history)

        plans = self.plan_people()
        self.plan_transfers(plans)
        members_of = self.assign_groups(plans)
        posts = self.plan_positions(members_of)
        self.pick_staff_login(plans)

        # One hash for all the demo logins: hashing costs a third of a second each. A username
        # that is taken already (say, an "admin" made with createsuperuser) is left alone.
        password = make_password(DEMO_PASSWORD)
        taken = self.taken = set(
            User.objects.filter(username__in=[u for u, _ in LOGINS]).values_list("username", flat=True)
        )
        users = {
            u.username: u
            for u in User.objects.bulk_create(
                [
                    User(
                        username=username,
                        password=password,
                        is_superuser=role == Role.ADMIN,
                        is_staff=role == Role.ADMIN,
                    )
                    for username, role in LOGINS
                    if username not in taken
                ]
            )
        }

        for plan in sorted(plans, key=lambda p: (p.hired_on, p.status != Person.Status.RETIRED)):
            plan.employee_no = self.employee_no(plan.hired_on)
        for plan in plans:
            # Members who moved are written without a branch: the services add both stays.
            settled = plan.branch if not plan.transfer_from else None
            plan.obj = Person(
                committee=committee,
                employee_no=plan.employee_no,
                name=plan.name,
                gender=plan.gender,
                birth_date=plan.birth_date,
                department=departments[plan.department] if plan.department else None,
                status=plan.status,
                post=plan.post,
                joined_party_on=plan.joined_party_on,
                branch=branches[settled] if settled else None,
                party_group=groups[settled][plan.group] if settled else None,
                user=users.get(plan.username) if plan.username else None,
            )
        bulk_create_with_history(
            sorted((p.obj for p in plans), key=lambda p: p.employee_no), Person, **history
        )
        bulk_create_with_history(
            [
                Membership(
                    person=p.obj,
                    branch=branches[p.branch],
                    party_group=groups[p.branch][p.group],
                    started_on=p.started_on,
                )
                for p in plans
                if p.branch and not p.transfer_from
            ],
            Membership,
            **history,
        )
        for plan in plans:
            if plan.transfer_from:
                previous = groups[plan.transfer_from]
                member_join(
                    person=plan.obj,
                    branch=branches[plan.transfer_from],
                    party_group=previous[self.rng.randrange(len(previous))],
                    started_on=plan.came_on,
                )
                member_transfer(
                    person=plan.obj,
                    branch=branches[plan.branch],
                    party_group=groups[plan.branch][plan.group],
                    on=plan.started_on,
                    note="工作调动",
                )

        bulk_create_with_history(
            [
                Position(
                    person=plan.obj,
                    title=title,
                    branch=branches[branch] if branch else None,
                    general_branch=general_branches[gb] if gb else None,
                    party_group=groups[branch][group] if group is not None else None,
                    started_on=started_on,
                    ended_on=ended_on,
                )
                for plan, title, branch, gb, group, started_on, ended_on in posts
            ],
            Position,
            **history,
        )
        self.create_campaign(committee, plans, list(branches.values()))
        return committee

    def create_campaign(self, committee: PartyCommittee, plans: list[_Plan], branches: list[Branch]):
        rng = self.rng
        history = {"default_change_reason": CHANGE_REASON}
        campaign = Campaign(
            committee=committee, name=CAMPAIGN_NAME, theme=CAMPAIGN_THEME, started_on=CAMPAIGN_STARTED_ON
        )
        campaign._change_reason = CHANGE_REASON
        campaign.save()
        for year in (self.today.year - 1, self.today.year):
            campaign_year_create(campaign=campaign, year=year)
        seeded = {p.name: p.obj for p in plans if p.seeded}
        bulk_create_with_history(
            [
                LeadingGroupMember(
                    campaign=campaign, person=seeded[name], role=role, title=title, sort_order=i
                )
                for i, (name, role, title, _dept) in enumerate(LEADING_GROUP)
            ],
            LeadingGroupMember,
            **history,
        )
        bulk_create_with_history(
            [
                OfficeMember(campaign=campaign, person=seeded[name], role=role, title=title, sort_order=i)
                for i, (name, role, title, _dept, _member) in enumerate(OFFICE)
            ],
            OfficeMember,
            **history,
        )
        # Each leader takes 1–3 branches, drawn without repeats so most branches have one leader.
        pool = branches[:]
        rng.shuffle(pool)
        contacts = []
        for name, *_rest in LEADING_GROUP:
            mine = [pool.pop() for _ in range(min(rng.randint(1, 3), len(pool)))] or [rng.choice(branches)]
            contacts += [ContactPoint(campaign=campaign, leader=seeded[name], branch=b) for b in mine]
        bulk_create_with_history(contacts, ContactPoint, **history)


GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组"]


def _by_name(objects):
    return {o.name: o for o in objects}
