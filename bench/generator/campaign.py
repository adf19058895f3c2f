"""Each institute's campaign with one year (the current one), its office, leading group and
contact points, the year's required frequencies, rubric and scoring settings. Few rows: written
through the ORM and the apps' own services, so they are exactly what the application creates."""

from __future__ import annotations

import datetime

from campaigns.models import Campaign, ContactPoint, LeadingGroupMember, OfficeMember
from campaigns.services import campaign_year_create

from . import world as w

OFFICE_TITLES = [
    "党群工作处处长",
    "党群工作处副处长",
    "组织人事处处长",
    "综合办公室主任",
    "组织干事",
    "宣传干事",
    "纪检干事",
]
LEADER_TITLES = ["党委书记", "所长", "党委副书记", "副所长", "副所长", "总会计师", "工会主席"]


def build(world: w.World) -> None:
    rng = world.rng
    for c in world.committees:
        campaign = Campaign.objects.create(
            committee_id=c.id,
            name=f"{c.short_name}深入开展创先争优活动",
            started_on=datetime.date(world.year, 1, 1),
        )
        c.campaign_year = campaign_year_create(campaign=campaign, year=world.year)
        OfficeMember.objects.bulk_create(
            OfficeMember(
                campaign=campaign,
                person_id=p,
                role=OfficeMember.Role.DIRECTOR if k == 0 else OfficeMember.Role.MEMBER,
                title=OFFICE_TITLES[k % len(OFFICE_TITLES)],
                sort_order=k,
            )
            for k, p in enumerate(c.office)
        )
        LeadingGroupMember.objects.bulk_create(
            LeadingGroupMember(
                campaign=campaign,
                person_id=p,
                role=LeadingGroupMember.Role.LEADER
                if k == 0
                else LeadingGroupMember.Role.DEPUTY
                if k < 3
                else LeadingGroupMember.Role.MEMBER,
                title=LEADER_TITLES[k % len(LEADER_TITLES)],
                sort_order=k,
            )
            for k, p in enumerate(c.leaders)
        )
        # Two branches per leader; the benchmark's branch always has one (its page then shows
        # the same things at every scale).
        pairs = {
            (leader, b.id) for leader in c.leaders for b in rng.sample(c.branches, min(2, len(c.branches)))
        }
        if world.login_branch in c.branches:
            pairs.add((c.leaders[0], world.login_branch.id))
        ContactPoint.objects.bulk_create(
            [ContactPoint(campaign=campaign, leader_id=leader, branch_id=b) for leader, b in sorted(pairs)]
        )
        # The year's rubrics and scoring settings come with it (awards.defaults).
