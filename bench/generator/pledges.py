"""A year of public pledges: one branch pledge per branch (focus, targets, measures and dated
milestones) and one member pledge per member with 2–5 commitments, most of them published."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pledges.models import FiveGoods, FiveLeads, Pledge, PledgeItem, Publication

from . import world as w

GOODS = FiveGoods.values
LEADS = FiveLeads.values
MEMBER_STATUSES = [Pledge.Status.PUBLISHED] * 17 + [
    Pledge.Status.APPROVED,
    Pledge.Status.SUBMITTED,
    Pledge.Status.DRAFT,
]
COMMITMENTS = [
    "认真学习党的理论，每月撰写学习体会",
    "牵头完成课题关键技术攻关",
    "主动帮助青年职工提高业务能力",
    "团结同事，带头营造和谐氛围",
    "严守保密纪律，弘扬正气",
    "按期完成型号研制任务节点",
    "参加志愿服务活动不少于两次",
]
FIELDS = [
    "id",
    "kind",
    "campaign_year",
    "branch",
    "person",
    "version",
    "status",
    "focus",
    "targets",
    "measures",
    "plan",
    "direction",
    "return_reason",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "approved_at",
    "approved_by",
]


def build(world: w.World) -> None:
    rng, copier, year = world.rng, world.copier, world.year
    tz = timezone.get_current_timezone()
    opened = datetime.datetime(year, 1, 10, 9, tzinfo=tz)
    pledges, items, publications = [], [], []
    n_members = sum(len(b.members) for b in world.branches)
    # Commitments per member pledge: 2 + Binomial(3, q), i.e. 2–5 with the target's mean.
    q = min(max((world.targets.commitments / max(n_members, 1) - 2) / 3, 0.0), 1.0)

    branch_ids = copier.ids(Pledge, len(world.branches) + n_members)
    ids = iter(branch_ids)
    for c in world.committees:
        year_id = c.campaign_year.pk
        office = world.office_user(c)
        for b in c.branches:
            secretary = world.user_of[b.secretary]
            status = Pledge.Status.PUBLISHED if rng.random() < 0.92 else Pledge.Status.SUBMITTED
            pk = next(ids)
            approved = status == Pledge.Status.PUBLISHED
            pledges.append(
                (
                    pk,
                    Pledge.Kind.BRANCH,
                    year_id,
                    b.id,
                    None,
                    1,
                    status,
                    f"{b.name}争创“五个好”基层党组织",
                    "党员先锋作用明显，科研生产任务按期完成",
                    "落实三会一课，开展课题攻关",
                    "",
                    "",
                    "",
                    secretary,
                    opened,
                    opened,
                    opened,
                    opened if approved else None,
                    office if approved else None,
                )
            )
            for k in range(rng.randint(3, 6)):
                items.append(
                    (
                        pk,
                        k,
                        f"第{k + 1}项节点工作",
                        GOODS[k % 5],
                        datetime.date(year, 3 + k, 28),
                        rng.choice(b.members),
                    )
                )
            if approved:
                publications.append((pk, datetime.date(year, 2, rng.randint(1, 27)), secretary))
            for person in b.members:
                user = world.user_of[person]
                status = rng.choice(MEMBER_STATUSES)
                pk = next(ids)
                submitted = status != Pledge.Status.DRAFT
                approved = status in (Pledge.Status.APPROVED, Pledge.Status.PUBLISHED)
                pledges.append(
                    (
                        pk,
                        Pledge.Kind.MEMBER,
                        year_id,
                        b.id,
                        person,
                        1,
                        status,
                        "",
                        "",
                        "",
                        "立足岗位做贡献，带头完成本年度重点任务",
                        "做研发先锋，当创新标兵",
                        "",
                        user,
                        opened,
                        opened,
                        opened if submitted else None,
                        opened if approved else None,
                        secretary if approved else None,
                    )
                )
                n = 2 + (rng.random() < q) + (rng.random() < q) + (rng.random() < q)
                for k, lead in enumerate(rng.sample(LEADS, n)):
                    items.append((pk, k, rng.choice(COMMITMENTS), lead, None, None))
                if status == Pledge.Status.PUBLISHED:
                    publications.append((pk, datetime.date(year, 2, rng.randint(1, 27)), secretary))
    copier.copy(Pledge, FIELDS, pledges)
    copier.copy(
        PledgeItem,
        ["id", "pledge", "position", "text", "criterion", "due_on", "responsible"],
        ((pk, *row) for pk, row in zip(copier.ids(PledgeItem, len(items)), items, strict=True)),
    )
    now = timezone.now()
    copier.copy(
        Publication,
        ["id", "pledge", "occasion", "occasion_other", "published_on", "audience", "by", "created_at"],
        (
            (pk, pledge, Publication.Occasion.DEPARTMENT_MEETING, "", on, "本部门全体职工", by, now)
            for pk, (pledge, on, by) in zip(
                copier.ids(Publication, len(publications)), publications, strict=True
            )
        ),
    )
