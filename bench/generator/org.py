"""The organisation: party committees, departments, general branches, branches, party groups,
people (staff and members) with their logins, memberships and positions."""

from __future__ import annotations

import datetime

from django.utils import timezone

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

from . import world as w

POSTS = ["工程师", "高级工程师", "助理工程师", "技术员", "主任科员", "科员", "研究员", "技师", "会计师"]
GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组"]
CATEGORY_PREFIX = {
    BranchCategory.BUSINESS: "事业部",
    BranchCategory.ADMINISTRATION: "机关",
    BranchCategory.SERVICE: "保障服务",
    BranchCategory.RETIRED: "离退休",
}
DEPARTMENT_KIND = {
    BranchCategory.BUSINESS: Department.Kind.DIVISION,
    BranchCategory.ADMINISTRATION: Department.Kind.OFFICE,
    BranchCategory.SERVICE: Department.Kind.CENTRE,
}


def _split(total: int, parts: int, rng, low: int = 0) -> list[int]:
    """``total`` split into ``parts`` integers of similar size (each at least ``low``)."""
    weights = [0.6 + 0.8 * rng.random() for _ in range(parts)]
    spare = max(total - low * parts, 0)
    raw = [spare * x / sum(weights) for x in weights]
    out = [low + int(x) for x in raw]
    for i in sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def build(world: w.World) -> None:
    t, rng = world.targets, world.rng
    n = t.committees
    copier = world.copier
    committee_ids = copier.ids(PartyCommittee, n)
    branch_counts = _split(t.branches, n, rng, low=2)
    member_counts = _split(t.members, n, rng)
    staff_counts = _split(t.staff, n, rng)
    for i, pk in enumerate(committee_ids):
        number = 20 + i + 1
        world.committees.append(
            w.Committee(
                id=pk,
                index=i + 1,
                name=f"中国电子科技集团公司第{number}研究所党委",
                short_name=f"{number}所党委",
            )
        )
    copier.copy(
        PartyCommittee, ["id", "name", "short_name"], ((c.id, c.name, c.short_name) for c in world.committees)
    )
    for c, nb, nm, ns in zip(world.committees, branch_counts, member_counts, staff_counts, strict=True):
        _plan_committee(world, c, nb, nm, ns)
    _write(world)


def _plan_committee(world: w.World, c: w.Committee, n_branches: int, n_members: int, n_staff: int):
    rng, copier = world.rng, world.copier
    categories = [BranchCategory.BUSINESS]
    for _ in range(n_branches - 1):
        r = rng.random()
        categories.append(
            BranchCategory.RETIRED
            if r < 0.1
            else BranchCategory.SERVICE
            if r < 0.2
            else BranchCategory.ADMINISTRATION
            if r < 0.4
            else BranchCategory.BUSINESS
        )
    categories.sort(key=list(CATEGORY_PREFIX).index)
    branch_ids = copier.ids(Branch, n_branches)
    sizes = _split(n_members, n_branches, rng, low=3)
    counters: dict[str, int] = {}
    for pk, category, size in zip(branch_ids, categories, sizes, strict=True):
        counters[category] = counters.get(category, 0) + 1
        name = f"{CATEGORY_PREFIX[category]}第{counters[category]}党支部"
        branch = w.Branch(id=pk, committee=c, name=name, category=category)
        branch.members = [0] * size  # filled with person ids below
        c.branches.append(branch)

    # Departments: two branches each (a 机关 branch covers two offices' worth of staff); a few
    # without a branch of their own (未设党支部的处及中心); one for the retirees.
    working = [b for b in c.branches if b.category != BranchCategory.RETIRED]
    retired = [b for b in c.branches if b.category == BranchCategory.RETIRED]
    pairs = [working[i : i + 2] for i in range(0, len(working), 2)]
    n_plain = max(1, round(len(pairs) * 0.05))
    dept_ids = iter(copier.ids(Department, len(pairs) + n_plain + (1 if retired else 0)))
    kind_names = {
        Department.Kind.DIVISION: "事业部",
        Department.Kind.OFFICE: "处",
        Department.Kind.CENTRE: "中心",
    }
    seq: dict[str, int] = {}
    for pair in pairs:
        kind = DEPARTMENT_KIND[pair[0].category]
        seq[kind] = seq.get(kind, 0) + 1
        dept = w.Department(
            id=next(dept_ids), name=f"第{seq[kind]}{kind_names[kind]}", kind=kind, branches=pair
        )
        for b in pair:
            b.department = dept.id
        c.departments.append(dept)
    for k in range(n_plain):
        c.departments.append(
            w.Department(id=next(dept_ids), name=f"信息中心{k + 1}", kind=Department.Kind.CENTRE)
        )
    retirees_dept = None
    if retired:
        retirees_dept = w.Department(
            id=next(dept_ids), name="离退休管理处", kind=Department.Kind.OFFICE, branches=retired
        )
        for b in retired:
            b.department = retirees_dept.id
        c.departments.append(retirees_dept)

    # General branches: runs of up to five business (or retiree) branches; every fifth run and
    # the 机关/保障 branches sit directly under the committee.
    gb_ids = []
    for category in (BranchCategory.BUSINESS, BranchCategory.RETIRED):
        chain = [b for b in c.branches if b.category == category]
        for run_no, start in enumerate(range(0, len(chain), 5)):
            run = chain[start : start + 5]
            if run_no % 5 == 4 or len(run) < 2:
                continue
            gb_ids.append((run, category))
    for pk, (run, category) in zip(copier.ids(GeneralBranch, len(gb_ids)), gb_ids, strict=True):
        name = f"{CATEGORY_PREFIX[category]}第{len(c.general_branches) + 1}党总支"
        c.general_branches.append((pk, name, category, run[0].department))
        for b in run:
            b.general_branch = pk

    # People. Members of a working branch are staff of its department; every department also
    # has staff who are not members; retirees are members only.
    member_need = sum(len(b.members) for b in working)
    extra = max(n_staff - member_need - (3 if retirees_dept else 0), 0)
    plain_depts = [d for d in c.departments if d is not retirees_dept]
    extras = _split(extra, len(plain_depts), rng)
    for dept, more in zip(plain_depts, extras, strict=True):
        for b in dept.branches:
            ids = _people(world, c, dept, len(b.members), member_of=b)
            b.members = ids
            dept.staff += ids
        dept.staff += _people(world, c, dept, more)
    if retirees_dept:
        retirees_dept.staff += _people(world, c, retirees_dept, 3)
        for b in retired:
            b.members = _people(world, c, retirees_dept, len(b.members), member_of=b, retired=True)

    # Party groups: a branch of eight or more members has two or three; members go round them.
    for b in c.branches:
        n_groups = 0 if len(b.members) < 8 else 2 if len(b.members) < 15 else 3
        b.groups = list(copier.ids(PartyGroup, n_groups))
        if b.groups:
            for k, person in enumerate(b.members):
                b.group_of[person] = b.groups[k % n_groups]

    # The office and the leading group: staff of the first two 机关 departments (or any).
    offices = [d for d in plain_depts if d.kind == Department.Kind.OFFICE] + plain_depts
    c.office = offices[0].staff[-7:]
    pool = [p for p in offices[1].staff if p not in c.office] or [
        p for p in offices[0].staff if p not in c.office
    ]
    c.leaders = pool[-7:]


def _people(world, c, dept, n, *, member_of=None, retired=False) -> list[int]:
    ids = list(world.copier.ids(Person, n))
    rows = world._people_rows
    for pk in ids:
        rows.append((pk, c, dept, member_of, retired))
    return ids


def _write(world: w.World) -> None:
    rng, namer, copier = world.rng, world.namer, world.copier
    year = world.year
    now = timezone.now()
    copier.copy(
        Department,
        ["id", "committee", "name", "kind", "is_active", "sort_order"],
        (
            (d.id, c.id, d.name, d.kind, True, k)
            for c in world.committees
            for k, d in enumerate(c.departments)
        ),
    )
    copier.copy(
        GeneralBranch,
        ["id", "committee", "name", "category", "department", "is_active", "sort_order"],
        (
            (pk, c.id, name, category, dept, True, k)
            for c in world.committees
            for k, (pk, name, category, dept) in enumerate(c.general_branches)
        ),
    )
    copier.copy(
        Branch,
        ["id", "committee", "general_branch", "name", "category", "is_active", "sort_order"],
        (
            (b.id, c.id, b.general_branch, b.name, b.category, True, k)
            for c in world.committees
            for k, b in enumerate(c.branches)
        ),
    )
    through = Branch.departments.through
    rows = [(b.id, b.department) for b in world.branches]
    copier.copy(
        through,
        ["id", "branch", "department"],
        ((pk, *r) for pk, r in zip(copier.ids(through, len(rows)), rows, strict=True)),
    )
    copier.copy(
        PartyGroup,
        ["id", "branch", "name", "is_active"],
        ((g, b.id, GROUP_NAMES[k], True) for b in world.branches for k, g in enumerate(b.groups)),
    )

    # Logins: everyone gets one (everyone may vote); a few carry the benchmark's names.
    people = world._people_rows
    user_ids = copier.ids(User, len(people) + 1)
    world.admin_user = user_ids[-1]
    named = _pick_logins(world)
    for (pk, *_rest), uid in zip(people, user_ids, strict=False):
        world.user_of[pk] = uid
    branch_of = {p: b for b in world.branches for p in b.members}
    usernames = {}
    copier.copy(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        _user_rows(world, people, named, usernames, now),
    )
    world.usernames = usernames

    person_rows = []
    memberships = []
    for pk, c, dept, _member_of, retired in people:
        gender = "M" if rng.random() < 0.6 else "F"
        birth = namer.day(
            datetime.date(year - (85 if retired else 60), 1, 1),
            datetime.date(year - (61 if retired else 23), 12, 31),
        )
        branch = branch_of.get(pk)
        joined = None
        group = None
        if branch is not None:
            joined = namer.day(
                birth.replace(year=birth.year + 19, day=min(birth.day, 28)), datetime.date(year - 1, 12, 31)
            )
            group = branch.group_of.get(pk)
            memberships.append((pk, branch.id, group, joined))
        person_rows.append(
            (
                pk,
                c.id,
                f"G{c.index:02d}{pk:07d}",
                namer.name(gender, old=retired),
                gender,
                birth,
                dept.id,
                Person.Status.RETIRED if retired else Person.Status.EMPLOYED,
                "" if retired else rng.choice(POSTS),
                joined,
                branch.id if branch else None,
                group,
                world.user_of[pk],
            )
        )
    copier.copy(
        Person,
        [
            "id",
            "committee",
            "employee_no",
            "name",
            "gender",
            "birth_date",
            "department",
            "status",
            "post",
            "joined_party_on",
            "branch",
            "party_group",
            "user",
        ],
        person_rows,
    )
    copier.copy(
        Membership,
        ["id", "person", "branch", "party_group", "started_on", "note"],
        ((mid, *m, "") for mid, m in zip(copier.ids(Membership, len(memberships)), memberships, strict=True)),
    )
    _positions(world)
    del world._people_rows


def _pick_logins(world) -> dict[int, str]:
    """person id -> benchmark username, in the first institute."""
    c = world.committees[0]
    branch = next(b for b in c.branches if b.general_branch and len(b.members) >= 10)
    dept = next(d for d in c.departments if branch in d.branches)
    staff = next(
        p for p in dept.staff if p not in set(dept.branches[0].members) | set(dept.branches[-1].members)
    )
    gb_first = next(b for b in c.branches if b.general_branch == branch.general_branch)
    world.login_branch = branch
    return {
        c.leaders[0]: w.LOGINS["leading_group"],
        c.office[0]: w.LOGINS["office"],
        gb_first.members[2]: w.LOGINS["gb_secretary"],
        branch.members[0]: w.LOGINS["secretary"],
        branch.members[-1]: w.LOGINS["member"],
        staff: w.LOGINS["staff"],
    }


def _user_rows(world, people, named, usernames, now):
    h = world.password_hash
    for pk, c, *_rest in people:
        username = named.get(pk) or f"g{c.index:02d}{pk:07d}"
        usernames[pk] = username
        yield (world.user_of[pk], h, False, username, "", "", "", False, True, now)
    yield (world.admin_user, h, True, w.LOGINS["admin"], "", "", "", True, True, now)


def _positions(world) -> None:
    year = world.year
    rows = []
    for c in world.committees:
        started = datetime.date(year - 2, 3, 1)
        for b in c.branches:
            m = b.members
            rows.append((m[0], Position.Title.SECRETARY, b.id, None, None, started))
            if len(m) >= 10:
                rows.append((m[1], Position.Title.DEPUTY, b.id, None, None, started))
            if len(m) >= 7:
                rows += [(p, Position.Title.COMMITTEE_MEMBER, b.id, None, None, started) for p in m[2:5]]
            for g in b.groups:
                leader = next(p for p in m[1:] if b.group_of.get(p) == g)
                rows.append((leader, Position.Title.GROUP_LEADER, b.id, None, g, started))
        for pk, _name, _category, _dept in c.general_branches:
            first = next(b for b in c.branches if b.general_branch == pk)
            rows.append((first.members[2], Position.Title.SECRETARY, None, pk, None, started))
    world.copier.copy(
        Position,
        ["id", "person", "title", "branch", "general_branch", "party_group", "started_on"],
        ((pk, *r) for pk, r in zip(world.copier.ids(Position, len(rows)), rows, strict=True)),
    )
