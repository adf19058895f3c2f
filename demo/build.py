"""Writing the planned demo institute: the organisation, the people (``bulk_create_with_history``,
each with its audit row), the transfers through the membership services, the campaign."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from simple_history.utils import bulk_create_with_history

from accounts.access import Role
from accounts.models import User
from branches.models import (
    Branch,
    Department,
    GeneralBranch,
    Membership,
    PartyCommittee,
    PartyGroup,
    Person,
    Position,
)
from branches.services import SYSTEM, member_join, member_transfer
from campaigns.models import Campaign, ContactPoint, LeadingGroupMember, OfficeMember
from campaigns.services import campaign_year_create

from .data import (
    BRANCHES,
    CAMPAIGN_NAME,
    CAMPAIGN_STARTED_ON,
    CAMPAIGN_THEME,
    CHANGE_REASON,
    COMMITTEE_NAME,
    COMMITTEE_SHORT_NAME,
    DEMO_PASSWORD,
    DEPARTMENTS,
    GENERAL_BRANCHES,
    GROUP_NAMES,
    LEADING_GROUP,
    LOGINS,
    OFFICE,
    SECRETARY2_BRANCH,
    SECRETARY_BRANCH,
    WITHOUT_BRANCH,
)
from .plan import _Plan, _Planner


class _Builder(_Planner):
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
        users.update(self.working_logins(plans, posts, password=make_password(None)))
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
                    access=SYSTEM,  # the loader sets up the institute: the system acts
                )
                member_transfer(
                    person=plan.obj,
                    branch=branches[plan.branch],
                    party_group=groups[plan.branch][plan.group],
                    on=plan.started_on,
                    note="工作调动",
                    access=SYSTEM,
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

    def working_logins(self, plans: list[_Plan], posts: list[tuple], *, password: str) -> dict[str, User]:
        """Logins for the people the demo year acts as (``demo.year``): every branch's secretary
        (who writes the branch pledge, enters the records, answers findings) and the members of
        the demo secretaries' branches (who write their own pledges). Nobody can sign in with
        them (an unusable password): they exist so that the history names who did what."""
        secretaries = {
            id(plan)
            for plan, title, branch, _gb, _group, _start, ended_on in posts
            if title == Position.Title.SECRETARY and branch and ended_on is None
        }
        chosen = [
            plan
            for plan in plans
            if plan.username is None
            and (id(plan) in secretaries or plan.branch in (SECRETARY_BRANCH, SECRETARY2_BRANCH))
        ]
        for plan in chosen:
            plan.username = f"u{plan.employee_no}"
        taken = set(
            User.objects.filter(username__in=[p.username for p in chosen]).values_list("username", flat=True)
        )
        return {
            u.username: u
            for u in User.objects.bulk_create(
                [User(username=p.username, password=password) for p in chosen if p.username not in taken]
            )
        }

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


def _by_name(objects):
    return {o.name: o for o in objects}
