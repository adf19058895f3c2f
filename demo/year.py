"""The demo's current campaign year "as lived", relative to today: what the institute has done
by now. Pledges written, approved and published (some late, one returned, one waiting for the
office), a few member pledges with progress, months of 三会一课 and news reports with attendance
and a few evidence files (some branches behind); then, in ``demo.year_review``, the quarterly
inspections, the mid-year review round, the mass evaluation, the appraisals, the scoring run and
the award cycle at its public notice — each step only once its date in the year's calendar has
passed.

Writes go through the apps' services with the acting person's ``Access`` (the history names the
secretary, the office or the member), so that the compliance figures, counters, notifications
and scores derive from the records as in real use. Services stamp "now" on the moments they
record (submitted, approved, written…); those are set to the step's date afterwards, in one
update per step, and say so where it happens. The history rows keep the moment of the load: the
audit trail tells when a row was really written. The many 三会一课 records are written in bulk
(``bulk_create_with_history``: one history row each), as a secretary's entries would be; the
compliance summaries are computed from them when first read.
"""

from __future__ import annotations

import datetime
import random

from accounts.access import compute_access
from activities.models import Kind
from activities.services import evidence_add
from branches.models import Branch, Person, Position
from campaigns.models import CampaignYear, OfficeMember
from pledges.models import Pledge, Publication
from pledges.services import (
    pledge_approve,
    pledge_create,
    pledge_publish,
    pledge_return,
    pledge_submit,
    progress_add,
    progress_publish,
)

from . import year_texts as T
from .data import CHANGE_REASON, SECRETARY2_BRANCH, SECRETARY_BRANCH
from .year_channels import channels_build
from .year_general_branch_activities import general_branch_activities_build
from .year_general_branch_pledges import general_branch_pledges_build
from .year_general_branch_reviews import general_branch_reviews_build
from .year_notices import notices_build
from .year_review import ReviewSteps
from .year_support import DAY, RecordBatch, at, evidence_file, redate_latest_version, restamp

D = datetime.date

# Branches that fall behind: no news report in the last months, a missed party group meeting.
BEHIND = 3
# Member pledges written, approved, published and followed through the quarters.
MEMBER_PLEDGES = 8


class YearBuilder:
    """Writes the current year of the demo institute's campaign as lived up to ``today``."""

    def __init__(self, rng: random.Random, today: datetime.date, campaign):
        self.rng = rng
        self.today = today
        self.campaign = campaign
        self.year = CampaignYear.objects.get(campaign=campaign, year=today.year)
        committee = campaign.committee
        self.branches = list(Branch.objects.filter(committee=committee).order_by("sort_order", "pk"))
        self.by_name = {b.name: b for b in self.branches}
        self.members: dict[int, list[Person]] = {b.pk: [] for b in self.branches}
        for person in Person.objects.filter(committee=committee, branch__isnull=False).select_related("user"):
            self.members[person.branch_id].append(person)
        for people in self.members.values():
            people.sort(key=lambda p: p.employee_no)
        positions = Position.objects.filter(
            branch__committee=committee, ended_on__isnull=True, party_group__isnull=True
        ).select_related("person__user")
        self.secretary: dict[int, Person] = {}
        self.committee_of: dict[int, list[Person]] = {b.pk: [] for b in self.branches}
        for p in positions.order_by("pk"):
            if p.title == Position.Title.SECRETARY:
                self.secretary[p.branch_id] = p.person
            self.committee_of[p.branch_id].append(p.person)
        office = (
            OfficeMember.objects.filter(campaign=campaign)
            .order_by("sort_order")
            .select_related("person__user")
        )
        self.office_user = next(s.person.user for s in office if s.person.user_id)
        self.office = compute_access(self.office_user, today=today)
        self._access: dict[int, object] = {}
        # The branches that fall behind: never the demo logins' own (their pages show a year
        # that went well; the behind ones show on the office's and the leaders' pages).
        logins = {SECRETARY_BRANCH, SECRETARY2_BRANCH}
        self.behind = {b.pk for b in rng.sample([b for b in self.branches if b.name not in logins], BEHIND)}

    def access(self, person: Person):
        if person.pk not in self._access:
            self._access[person.pk] = compute_access(person.user, today=self.today)
        return self._access[person.pk]

    def secretary_access(self, branch: Branch):
        return self.access(self.secretary[branch.pk])

    def past(self, day: datetime.date) -> bool:
        return day < self.today

    def clip(self, day: datetime.date) -> datetime.date:
        """``day``, or yesterday when ``day`` has not come yet."""
        return min(day, self.today - DAY)

    def build(self):
        if not self.past(self.year.pledges_open_on + datetime.timedelta(days=10)):
            return  # the first days of the year: nothing done yet
        notices_build(self)
        self.pledges()
        general_branch_pledges_build(self)
        self.activities()
        general_branch_activities_build(self)
        ReviewSteps(self).build()
        channels_build(self)  # sign-in, duty reports, pledge questions, the exchange
        general_branch_reviews_build(self)

    # ---- pledges ----------------------------------------------------------------------------

    def pledges(self):
        rng, year = self.rng, self.year
        opened, due = year.pledges_open_on, year.pledges_due_on
        order = self.branches[:]
        rng.shuffle(order)
        logins = {SECRETARY_BRANCH, SECRETARY2_BRANCH}
        others = [b for b in order if b.name not in logins]
        returned, waiting = others[0], others[1]
        late = set(others[2:5])  # published after the due date
        drafts, submitted, approved, published = {}, {}, {}, {}
        for branch in self.branches:
            focus, targets, measures, milestones = T.BRANCH_PLEDGES[branch.category]
            members = self.members[branch.pk]
            items = [
                {
                    "text": text,
                    "criterion": criterion,
                    "due_on": D(year.year, 3 + 3 * n, 20 + n),
                    "responsible": members[rng.randrange(len(members))],
                }
                for n, (criterion, text) in enumerate(milestones)
            ]
            access = self.secretary_access(branch)
            pledge = pledge_create(
                access=access,
                kind=Pledge.Kind.BRANCH,
                campaign_year=year,
                branch=branch,
                items=items,
                focus=focus,
                targets=targets,
                measures=measures,
            )
            written = self.clip(opened + datetime.timedelta(days=rng.randint(8, 25)))
            drafts[pledge.pk] = at(written, 9)
            pledge_submit(access=access, pledge=pledge)
            sent = self.clip(written + datetime.timedelta(days=rng.randint(1, 5)))
            submitted[pledge.pk] = at(sent, 16)
            if branch is returned:
                pledge_return(
                    access=self.office, pledge=pledge, reason="效果目标不够具体，请量化后重新提交。"
                )
                continue
            if branch is waiting:
                continue
            pledge_approve(access=self.office, pledge=pledge)
            ok = self.clip(sent + datetime.timedelta(days=rng.randint(2, 6)))
            if branch in late:
                ok = self.clip(due + datetime.timedelta(days=rng.randint(3, 12)))
            approved[pledge.pk] = at(ok, 11)
            published[pledge.pk] = self.clip(ok + datetime.timedelta(days=rng.randint(1, 4)))
        restamp(Pledge, "created_at", drafts)
        restamp(Pledge, "submitted_at", submitted)
        # pledge_publish refuses a date before the approval: the approvals are dated first.
        restamp(Pledge, "approved_at", approved)
        for pledge in Pledge.objects.filter(pk__in=list(published)).select_related("branch"):
            secretary = self.secretary_access(pledge.branch)
            pledge_publish(
                access=secretary,
                pledge=pledge,
                occasion=rng.choice(
                    [Publication.Occasion.DEPARTMENT_MEETING, Publication.Occasion.TEAM_LEADERS_MEETING]
                ),
                published_on=published[pledge.pk],
                audience="本部门全体职工",
            )
            # The secretary records the milestones' progress each quarter, as members do theirs.
            self.progress(pledge, writer=secretary, publisher=secretary, audience="本部门全体职工")
        # Progress adds no version of the pledge: its latest is the publication's.
        redate_latest_version(Pledge, {pk: at(day, 15) for pk, day in published.items()})
        self.member_pledges()

    def member_pledges(self):
        """The members with a login write their pledges; their secretaries approve and publish
        them; progress is entered each quarter that has passed."""
        rng, year = self.rng, self.year
        writers = [p for people in self.members.values() for p in people if p.user_id and p.is_member]
        writers = [p for p in writers if p.pk != self.secretary.get(p.branch_id, Person()).pk]
        # The member login first, then its branch; two in the other demo secretary's branch. The
        # last of each branch waits for its secretary's approval (a to-do on the secretary's home).
        writers.sort(key=lambda p: (p.user.username != "member", p.employee_no))
        mine = [p for p in writers if p.branch_id == self.by_name[SECRETARY_BRANCH].pk][: MEMBER_PLEDGES - 2]
        other = [p for p in writers if p.branch_id == self.by_name[SECRETARY2_BRANCH].pk][:2]
        writers = mine + other
        waiting = {group[-1].pk for group in (mine, other) if group}
        published = {}
        for person in writers:
            access = self.access(person)
            picks = rng.sample(T.MEMBER_COMMITMENTS, rng.randint(2, 4))
            pledge = pledge_create(
                access=access,
                kind=Pledge.Kind.MEMBER,
                campaign_year=year,
                items=[{"text": text, "criterion": c} for c, text in picks],
                plan=rng.choice(T.MEMBER_PLANS),
                direction=rng.choice(T.MEMBER_DIRECTIONS),
            )
            pledge_submit(access=access, pledge=pledge)
            if person.pk in waiting:
                continue
            branch = pledge.branch
            secretary = self.secretary_access(branch)
            pledge_approve(access=secretary, pledge=pledge)
            ok = self.clip(year.pledges_open_on + datetime.timedelta(days=rng.randint(20, 40)))
            restamp(Pledge, "approved_at", {pledge.pk: at(ok, 11)})
            pledge.refresh_from_db()
            pledge_publish(
                access=secretary,
                pledge=pledge,
                occasion=Publication.Occasion.TEAM_LEADERS_MEETING,
                published_on=self.clip(ok + DAY),
                audience="党小组全体党员",
            )
            published[pledge.pk] = at(self.clip(ok + DAY), 15)
            self.progress(pledge, writer=access, publisher=secretary, audience="党小组全体党员")
        redate_latest_version(Pledge, published)  # the publications' versions (progress adds none)

    def progress(self, pledge, *, writer, publisher, audience):
        """Progress on each item of a published pledge in every quarter that has passed, made
        public at the next month's meeting (a member's pledge, or a branch's milestones)."""
        rng, year = self.rng, self.year.year
        items = list(pledge.items.order_by("position"))
        for q in [q for q in (1, 2, 3) if self.past(D(year, 3 * q, 25))]:
            for item in items:
                progress_add(
                    access=writer,
                    item=item,
                    entered_on=D(year, 3 * q, 20),
                    done=rng.choice(T.PROGRESS_NOTES),
                    percent=min(100, 30 * q + rng.randint(0, 10)),
                )
            if self.past(D(year, 3 * q + 1, 10)):
                progress_publish(
                    access=publisher,
                    pledge=pledge,
                    quarter=q,
                    occasion=Publication.Occasion.TEAM_LEADERS_MEETING,
                    published_on=D(year, 3 * q + 1, 8),
                    audience=audience,
                )

    # ---- 三会一课, news reports ----------------------------------------------------------------

    def activities(self):
        rng, year = self.rng, self.year.year
        batch = RecordBatch(self, rng, hour=17, change_reason=CHANGE_REASON)
        months = [m for m in range(1, 13) if self.past(D(year, m, 3))]

        def add(branch, kind, day, title, people=(), **fields):
            batch.add(self.secretary[branch.pk], day, people, branch=branch, kind=kind, title=title, **fields)

        for branch in self.branches:
            members = self.members[branch.pk]
            secretary = self.secretary[branch.pk]
            groups = list(branch.party_groups.order_by("pk"))
            behind = branch.pk in self.behind
            lecture_month = rng.choice(months[:6] or months)
            for month in months:
                meeting = {"host": secretary, "place": rng.choice(T.PLACES)}
                topic = T.MEETING_TOPICS[(month + branch.sort_order) % len(T.MEETING_TOPICS)]
                add(
                    branch,
                    Kind.COMMITTEE_MEETING,
                    D(year, month, rng.randint(3, 12)),
                    f"{month}月支委会：{topic}",
                    self.committee_of[branch.pk],
                    content=f"会议{topic}，并对本月重点工作作出安排。",
                    **meeting,
                )
                for group in groups:
                    if behind and month == months[-2:][0] and group == groups[-1]:
                        continue  # a missed party group meeting
                    add(
                        branch,
                        Kind.GROUP_MEETING,
                        D(year, month, rng.randint(10, 20)),
                        f"{group.name}{month}月党小组会",
                        [p for p in members if p.party_group_id == group.pk],
                        party_group=group,
                        content=f"学习{topic}，交流个人承诺践诺情况。",
                        place=meeting["place"],
                    )
                if month % 3 == 0:
                    add(
                        branch,
                        Kind.GENERAL_MEETING,
                        D(year, month, rng.randint(20, 26)),
                        f"第{month // 3}季度支部党员大会",
                        members,
                        content="通报本季度承诺践诺进展，学习上级文件精神。",
                        **meeting,
                    )
                if month == lecture_month:
                    add(
                        branch,
                        Kind.SECRETARY_LECTURE,
                        D(year, month, rng.randint(21, 27)),
                        f"书记讲党课：{rng.choice(T.LECTURE_TOPICS)}",
                        members,
                        **meeting,
                    )
                if not (behind and month >= months[-1] - 2):
                    title = rng.choice(T.NEWS_TITLES).format(branch=branch.name, month=month)
                    add(
                        branch,
                        Kind.NEWS_REPORT,
                        D(year, month, rng.randint(15, 28)),
                        title,
                        published_in=rng.choice(T.NEWS_OUTLETS),
                    )
            if len(months) >= 10 and rng.random() < 0.6:
                add(branch, Kind.READING_REVIEW, D(year, 10, 18), "读书笔记展评", place="党员活动室")
        batch.save(leave=0.08, absent=0.1, leave_reasons=T.LEAVE_REASONS)
        records = batch.records
        # Evidence, as a secretary attaches it: the minutes and a photo of a few meetings.
        with_evidence = [r for r in records if r.kind in (Kind.GENERAL_MEETING, Kind.SECRETARY_LECTURE)]
        for record in rng.sample(with_evidence, min(8, len(with_evidence))):
            evidence_add(
                record=record,
                access=self.secretary_access(record.branch),
                files=[evidence_file("会议记录.pdf"), evidence_file("现场照片.png")],
            )
