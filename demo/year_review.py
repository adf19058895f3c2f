"""The second half of the demo year (see ``demo.year``): the office's inspections, the mid-year
review round, the mass evaluation and the democratic appraisals, the scoring run and the award
cycle at its public notice — each written through its app's services once its date in the year's
calendar has passed, with the moments the services stamp as "now" set to the step's date after."""

from __future__ import annotations

import datetime

from awards.models import AwardCycle
from awards.services import cycle_advance, cycle_create, cycle_propose, scoring_run_approve
from awards.services.scoring import scoring_run_execute, scoring_run_request
from branches.models import Department
from evaluations.models import FreeText, Grade, Satisfaction
from evaluations.services.appraisal import (
    appraisal_advance,
    appraisal_grades_set,
    appraisal_start,
    peer_assessment_record,
    self_assessment_record,
)
from evaluations.services.appraisal_ballots import appraisal_ballot_cast
from evaluations.services.ballots import ballot_cast
from evaluations.services.evaluation import (
    eligible_people,
    evaluation_close,
    evaluation_create,
    evaluation_open,
    free_texts_moderate,
)
from supervision.models import Inspection, Review, ReviewRound
from supervision.services.inspections import inspection_create, inspection_reply
from supervision.services.reviews import review_acknowledge, review_round_open, review_write

from . import year_texts as T
from .data import SECRETARY2_BRANCH, SECRETARY_BRANCH
from .year_general_branch_awards import general_branch_candidate
from .year_support import DAY, at, evidence_file, restamp

D = datetime.date
VOTERS = 120  # ballots cast in the mass evaluation (of ~600 who may)


class ReviewSteps:
    def __init__(self, year_builder):
        self.y = year_builder
        self.rng = year_builder.rng
        self.year = year_builder.year
        self.today = year_builder.today

    def build(self):
        y, year = self.y, self.year
        self.inspections()
        if y.past(year.midyear_review_on + datetime.timedelta(days=3)):
            self.midyear_review()
        if y.past(year.evaluation_closes_on):
            self.mass_evaluation()
            self.appraisals()
        if y.past(year.scoring_closes_on):
            self.scoring_and_awards()

    # ---- supervision ------------------------------------------------------------------------

    def inspections(self):
        """Three quarterly inspections with findings, dated back from today: the oldest answered
        with evidence, the middle one past its deadline, the latest still within it."""
        y, rng = self.y, self.rng
        mine, other = y.by_name[SECRETARY_BRANCH], y.by_name[SECRETARY2_BRANCH]
        third = rng.choice([b for b in y.branches if b not in (mine, other)])
        plan = [(mine, 170, T.INSPECTIONS[0]), (other, 75, T.INSPECTIONS[1]), (third, 10, T.INSPECTIONS[2])]
        inspectors = [m.person for m in y.campaign.office.order_by("sort_order").select_related("person")[:2]]
        replied = {}
        for branch, days_ago, (findings, reply) in plan:
            day = self.today - datetime.timedelta(days=days_ago)
            if day.year != self.year.year:
                continue
            inspection = inspection_create(
                access=y.office,
                campaign_year=self.year,
                branch=branch,
                kind=Inspection.Kind.ROUTINE,
                inspected_on=day,
                subject=T.INSPECTION_SUBJECT,
                inspectors=inspectors,
                findings=findings,
                rectification_due=day + datetime.timedelta(days=30),
            )
            if reply:
                inspection_reply(
                    access=y.secretary_access(branch),
                    inspection=inspection,
                    reply=reply,
                    files=[evidence_file("整改材料.pdf")],
                )
                replied[inspection.pk] = at(day + datetime.timedelta(days=21), 15)
        restamp(Inspection, "replied_at", replied)

    def midyear_review(self):
        """The mid-year round: every branch's review written, a third of the members'; most
        branches and some members have acknowledged theirs."""
        y, rng, year = self.y, self.rng, self.year
        review_round, _n = review_round_open(
            campaign_year=year, half=ReviewRound.Half.FIRST, today=year.midyear_review_on
        )
        written, acknowledged = {}, {}
        reviews = list(
            Review.objects.filter(round=review_round)
            .exclude(kind=Review.Kind.GENERAL_BRANCH)  # demo.year_general_branch_reviews writes those
            .select_related("branch", "person__user")
            .order_by("kind", "branch__sort_order", "person__employee_no")
        )
        for review in reviews:
            is_branch = review.kind == Review.Kind.BRANCH
            has_login = is_branch or review.person.user_id
            if not is_branch and not has_login and rng.random() > 0.3:
                continue
            texts = (
                (T.REVIEW_ACHIEVEMENTS, T.REVIEW_PROBLEMS, T.REVIEW_DIRECTIONS)
                if is_branch
                else (T.MEMBER_REVIEW_ACHIEVEMENTS, T.MEMBER_REVIEW_PROBLEMS, T.MEMBER_REVIEW_DIRECTIONS)
            )
            review_write(
                access=y.office,
                review=review,
                achievements=rng.choice(texts[0]),
                problems=rng.choice(texts[1]),
                direction=rng.choice(texts[2]),
            )
            day = y.clip(year.midyear_review_on + datetime.timedelta(days=rng.randint(3, 12)))
            written[review.pk] = at(day, 14)
            if is_branch and review.branch.name == SECRETARY_BRANCH:
                continue  # the demo secretary's review still waits for its acknowledgement
            if rng.random() < (0.75 if is_branch else 0.6) and (
                not is_branch or review.branch_id in y.secretary
            ):
                who = (
                    y.secretary_access(review.branch)
                    if is_branch
                    else (y.access(review.person) if review.person.user_id else None)
                )
                if who is None:
                    continue
                review_acknowledge(access=who, review=review, comment=rng.choice(T.ACKNOWLEDGEMENTS))
                acknowledged[review.pk] = at(y.clip(day + datetime.timedelta(days=rng.randint(1, 7))), 9)
        restamp(Review, "written_at", written)
        restamp(Review, "acknowledged_at", acknowledged)

    # ---- evaluations ------------------------------------------------------------------------

    def mass_evaluation(self):
        """The year's 群众满意度测评 of every branch, by the staff and members: ballots cast in
        its window (the service takes the day), counted through the mixing pool, closed; the
        comments moderated."""
        y, rng, year = self.y, self.rng, self.year
        committee = y.campaign.committee
        evaluation = evaluation_create(
            campaign_year=year,
            title=T.EVALUATION_TITLE.format(year=year.year),
            opens_on=year.evaluation_opens_on,
            closes_on=year.evaluation_closes_on,
            access=y.office,
            branches=y.branches,
            voter_departments=list(Department.objects.filter(committee=committee)),
            voter_branches=y.branches,
        )
        evaluation_open(evaluation=evaluation, access=y.office)
        targets = list(evaluation.targets.all())
        criteria = list(evaluation.criteria.all())
        # Each branch its standing: most are well regarded, the ones behind a little less.
        weights = {
            t.pk: [6, 3, 1, 0.2, 1] if t.branch_id not in y.behind else [3, 4, 2, 1, 1] for t in targets
        }
        options = list(Satisfaction.values)
        people = list(eligible_people(evaluation))
        voting_day = year.evaluation_opens_on + datetime.timedelta(days=10)
        for person in rng.sample(people, min(VOTERS, len(people))):
            answers = {
                (t.pk, c.pk): rng.choices(options, weights[t.pk])[0]
                for t in targets
                for c in criteria
                if c.subject == t.subject
            }
            texts = {}
            if rng.random() < 0.1:
                texts[rng.choice(targets).pk] = rng.choice(T.EVALUATION_COMMENTS)
            ballot_cast(evaluation=evaluation, person=person, answers=answers, texts=texts, today=voting_day)
        evaluation_close(evaluation=evaluation, access=y.office)
        pending = FreeText.objects.filter(target__evaluation=evaluation).order_by("pk")
        chosen = [text.pk for text in pending[: max(1, pending.count() * 2 // 3)]]
        if chosen:
            free_texts_moderate(
                free_texts=chosen, approve=True, access=y.office, today=year.evaluation_closes_on + DAY
            )

    def appraisals(self):
        """民主评议党员 in every branch: self- and peer assessments (in the logins' branch), the
        secret vote counted through its pool, the grades the branch committee set, closed."""
        y, rng, year = self.y, self.rng, self.year
        for branch in y.branches:
            members = y.members[branch.pk]
            if len(members) < 2:
                continue
            access = y.secretary_access(branch)
            appraisal = appraisal_start(branch=branch, campaign_year=year, access=access)
            if branch.name == SECRETARY_BRANCH:
                for person in members[:6]:
                    self_assessment_record(
                        appraisal=appraisal, person=person, text=rng.choice(T.SELF_ASSESSMENTS), access=access
                    )
            appraisal_advance(appraisal=appraisal, access=access)  # → peer assessment
            if branch.name == SECRETARY_BRANCH:
                for about, by in zip(members[:4], members[1:5], strict=False):
                    peer_assessment_record(
                        appraisal=appraisal,
                        about=about,
                        by=by,
                        text=rng.choice(T.PEER_ASSESSMENTS),
                        access=access,
                    )
            appraisal_advance(appraisal=appraisal, access=access)  # → voting
            standing = {
                p.pk: rng.choices(["excellent", "competent", "basically_competent"], [2, 7, 0.4])[0]
                for p in members
            }
            for voter in members:
                if rng.random() < 0.15:
                    continue  # did not vote
                grades = {
                    p.pk: standing[p.pk] if rng.random() < 0.8 else Grade.COMPETENT
                    for p in members
                    if p.pk != voter.pk
                }
                appraisal_ballot_cast(appraisal=appraisal, person=voter, grades=grades)
            appraisal_advance(appraisal=appraisal, access=access)  # → grading (the pool counted)
            appraisal_grades_set(
                appraisal=appraisal,
                grades={p.pk: (standing[p.pk], T.GRADE_REASONS[standing[p.pk]]) for p in members},
                access=access,
            )
            appraisal_advance(appraisal=appraisal, access=access)  # → closed

    # ---- scoring and awards -----------------------------------------------------------------

    def scoring_and_awards(self):
        """The scoring run as of the close of scoring, approved by the office; the award cycle
        proposed from it and at its public notice from today."""
        y, year = self.y, self.year
        scoring_run_request(access=y.office, campaign_year=year, as_of=year.scoring_closes_on)
        # Queued on commit for the worker; computed here at once, so that the pages have their
        # ranking before anything runs (the task then finds the approved run and does nothing).
        run = scoring_run_execute(campaign_year=year)
        scoring_run_approve(access=y.office, run=run)
        cycle = cycle_create(access=y.office, campaign_year=year)
        cycle_propose(access=y.office, cycle=cycle)
        general_branch_candidate(y.office, cycle)  # 先进党总支 among the candidates
        cycle_advance(access=y.office, cycle=cycle, to=AwardCycle.Status.NOTICE, today=self.today)
        restamp(type(run), "approved_at", {run.pk: at(year.scoring_closes_on, 16)})
        restamp(type(run), "computed_at", {run.pk: at(year.scoring_closes_on, 15)})
