"""The demo year's channels of issue 20, written through their apps' services like the rest of
``demo.year``: a QR sign-in held at the demo secretary's latest meeting (members signed in, one on
leave with a reason); last year's 述职述廉 of every branch and general-branch secretary, graded at
the 述职评议会 with a comment, and the demo secretary's satisfaction rating closed; a few
questions on a published pledge with the branch's answers (one hidden by the office with a
reason); an experience article marked for the 交流会.

Everything derives from what the year already holds (the meeting, the pledge, the people), so
the pages agree with each other. Services stamp "now" on what they record; those moments are set
to the step's date afterwards, as in ``demo.year``."""

from __future__ import annotations

import datetime

from activities.models import ATTENDANCE_KINDS, ActivityRecord, AttendanceStatus, SignIn, SignInWindow
from activities.signin import sign_in, sign_in_close, sign_in_mark_leave, sign_in_open
from branches.models import Position
from campaigns.models import CampaignYear, LeadingGroupMember
from duties.models import DutyReport
from duties.services import (
    duty_form_save,
    meeting_record,
    report_grade,
    report_rate,
    report_save,
    report_start,
)
from evaluations.models import Satisfaction
from evaluations.services.ballots import ballot_cast
from evaluations.services.evaluation import eligible_people, evaluation_close, evaluation_open
from exchange.models import Article
from exchange.services import article_mark, article_publish
from pledges.comments import PledgeComment
from pledges.models import Pledge, Publication
from pledges.services.comments import comment_answer, comment_hide, pledge_comment

from .data import SECRETARY_BRANCH
from .year_support import DAY, at, evidence_file, restamp

D = datetime.date
GRADES = ["good"] * 5 + ["fairly_good"] * 3 + ["fair"]  # most reports 好, a few 较好, one 一般
COMMENTS = {
    "good": "履行党建工作第一责任人职责到位，创先争优承诺兑现，廉洁自律表率作用明显。",
    "fairly_good": "职责履行较好，三会一课坚持经常；通讯报道和党员发展工作还需加强。",
    "fair": "述职内容较为笼统，承诺事项推进偏慢，请对照问题清单逐项整改。",
}
RATERS = 12  # ballots in the demo secretary's satisfaction rating (the threshold is five)
QUESTIONS = [
    ("支部的承诺什么时候公布实施进度？", "每季度末在部门例会上通报，并在系统中更新践诺进度。"),
    ("“科研攻关项目按节点完成”具体指哪些项目？", "指本年度承担的三个型号配套项目，节点见承诺附件的进度表。"),
]
HIDDEN = (
    "这种承诺就是走形式，写了也白写，谁信啊！！！",
    "言辞不文明，未提出具体意见；欢迎就承诺内容提出具体问题。",
)
ARTICLE_TITLE = "“三张清单”推动支部承诺落地"
ARTICLE_BODY = (
    "支部把年度承诺分解为任务清单、责任清单和时限清单，每月支委会逐项对照，"
    "季度在部门例会上公布进度。一年来承诺事项按期完成率明显提高，党员参与的积极性也更高。\n\n"
    "主要做法：一是任务到人；二是节点到月；三是结果公开，接受群众监督。"
)


def channels_build(y) -> None:
    """``y`` is the demo year's builder (``demo.year.YearBuilder``)."""
    branch = y.by_name.get(SECRETARY_BRANCH)
    if branch is None:
        return
    sign_in_at_latest_meeting(y, branch)
    last_years_duty_reports(y, branch)
    pledge_questions(y, branch)
    exchange_article(y, branch)


def sign_in_at_latest_meeting(y, branch) -> None:
    """The secretary opened sign-in at the branch's latest meeting: the members with a login
    signed in from their phones, one was marked on leave with a reason, then it was closed."""
    record = (
        ActivityRecord.objects.filter(branch=branch, kind__in=ATTENDANCE_KINDS, held_on__lt=y.today)
        .order_by("-held_on", "-pk")
        .first()
    )
    if record is None:
        return
    secretary = y.secretary_access(branch)
    window = sign_in_open(record=record, access=secretary)
    present = {
        a.person_id
        for a in record.attendance.filter(status=AttendanceStatus.PRESENT).select_related("person__user")
    }
    people = [
        p for p in y.members[branch.pk] if p.pk in present and p.user_id and p.pk != secretary.person.pk
    ]
    away = people[-1] if len(people) > 1 else None
    for person in people:
        if person is not away:
            sign_in(code=window.code, access=y.access(person))
    if away is not None:
        sign_in_mark_leave(record=record, access=secretary, person=away, reason="出差参加型号联调试验")
    if secretary.person.pk in present:
        sign_in(code=window.code, access=secretary)
    sign_in_close(record=record, access=secretary)
    opened = at(record.held_on, 14)
    restamp(SignInWindow, "opened_at", {window.pk: opened})
    restamp(SignInWindow, "closed_at", {window.pk: opened + datetime.timedelta(minutes=20)})
    restamp(
        SignIn,
        "signed_at",
        {
            s.pk: opened + datetime.timedelta(minutes=1 + n)
            for n, s in enumerate(SignIn.objects.filter(window=window).order_by("pk"))
        },
    )


def last_years_duty_reports(y, branch) -> None:
    """Last year's 述职述廉: the form the office set, every branch and general-branch secretary's
    report submitted in December, graded at the 述职评议会 with a comment; the demo secretary's
    satisfaction rating by the branch's members and staff, closed with its results."""
    year = CampaignYear.objects.filter(campaign=y.campaign, year=y.year.year - 1).first()
    if year is None:
        return
    last = year.year
    duty_form_save(
        access=y.office,
        campaign_year=year,
        duty_prompt="履行党建工作第一责任人职责情况；创先争优公开承诺兑现情况；存在的问题和改进措施。",
        integrity_prompt="执行廉洁自律规定和中央八项规定精神情况；本人及分管领域的廉政风险防控情况。",
        due_on=D(last, 12, 20),
    )
    units = [(b, y.secretary[b.pk]) for b in y.branches if b.pk in y.secretary and y.secretary[b.pk].user_id]
    general = Position.objects.filter(
        general_branch__committee=y.campaign.committee,
        title=Position.Title.SECRETARY,
        ended_on__isnull=True,
        person__user__isnull=False,
    ).select_related("general_branch", "person__user")
    units += [(p.general_branch, p.person) for p in general.order_by("general_branch__sort_order")]
    submitted, reports = {}, []
    for n, (unit, person) in enumerate(units):
        access = y.access(person)
        report = report_start(access=access, campaign_year=year, unit=unit)
        report = report_save(
            access=access,
            report=report,
            duty=f"{unit.name}{last}年度述职：组织三会一课，落实创先争优公开承诺，书记讲党课，推动科研生产任务完成。",
            integrity="严格执行中央八项规定精神和廉洁自律各项规定，未发现违规违纪问题。",
            files=[evidence_file("述职述廉报告.pdf")] if unit == branch else [],
            submit=True,
        )
        submitted[report.pk] = at(D(last, 12, 5 + n % 12), 16)
        reports.append(report)
    leaders = [
        m.person
        for m in LeadingGroupMember.objects.filter(campaign=y.campaign)
        .select_related("person")
        .order_by("sort_order")[:2]
    ]
    meeting = meeting_record(
        access=y.office,
        campaign_year=year,
        held_on=D(last, 12, 22),
        assessors=[y.office.person, *leaders],
        note="所党委会议室，各党总支、支部书记逐一述职",
    )
    graded = {}
    for report in reports:
        grade = "good" if report.branch == branch else y.rng.choice(GRADES)
        report_grade(access=y.office, report=report, meeting=meeting, grade=grade, comment=COMMENTS[grade])
        graded[report.pk] = at(D(last, 12, 22), 17)
    mine = next(r for r in reports if r.branch == branch)
    mine = report_rate(access=y.office, report=mine, opens_on=D(last, 12, 23), closes_on=D(last, 12, 30))
    evaluation = mine.evaluation
    evaluation_open(evaluation=evaluation, access=y.office)
    targets, criteria = list(evaluation.targets.all()), list(evaluation.criteria.all())
    options = list(Satisfaction.values)
    people = sorted(eligible_people(evaluation), key=lambda p: p.employee_no)
    for person in y.rng.sample(people, min(RATERS, len(people))):
        answers = {
            (t.pk, c.pk): y.rng.choices(options, [6, 3, 1, 0.2, 0.5])[0]
            for t in targets
            for c in criteria
            if c.subject == t.subject
        }
        ballot_cast(evaluation=evaluation, person=person, answers=answers, today=D(last, 12, 26))
    evaluation_close(evaluation=evaluation, access=y.office)
    # Last: the services above save whole rows, with the moments they stamped.
    restamp(DutyReport, "submitted_at", submitted)
    restamp(DutyReport, "graded_at", graded)


def pledge_questions(y, branch) -> None:
    """Members of the demo branch ask about its published pledge; the secretary answers; the
    office hides an abusive one with the reason."""
    pledge = Pledge.objects.filter(
        campaign_year=y.year, branch=branch, kind=Pledge.Kind.BRANCH, status=Pledge.Status.PUBLISHED
    ).first()
    if pledge is None:
        return
    # Those who may see the published pledge: the branch's members (the demo gives them logins).
    askers = [p for p in y.members[branch.pk] if p.user_id and p.pk != y.secretary[branch.pk].pk][-3:]
    if len(askers) < 3:
        return
    secretary = y.secretary_access(branch)
    written, answered = {}, {}
    published = Publication.objects.filter(pledge=pledge).order_by("published_on").first()
    day = y.clip((published.published_on if published else y.today - 60 * DAY) + 20 * DAY)
    for n, ((question, answer), person) in enumerate(zip(QUESTIONS, askers, strict=False)):
        comment = pledge_comment(access=y.access(person), pledge=pledge, text=question)
        comment = comment_answer(access=secretary, comment=comment, answer=answer)
        written[comment.pk] = at(y.clip(day + n * 7 * DAY), 9)
        answered[comment.pk] = at(y.clip(day + (n * 7 + 2) * DAY), 15)
    rude = pledge_comment(access=y.access(askers[2]), pledge=pledge, text=HIDDEN[0])
    comment_hide(access=y.office, comment=rude, reason=HIDDEN[1])
    written[rude.pk] = at(y.clip(day + 10 * DAY), 21)
    restamp(PledgeComment, "created_at", written)
    restamp(PledgeComment, "answered_at", answered)
    restamp(PledgeComment, "hidden_at", {rude.pk: at(y.clip(day + 11 * DAY), 9)})


def exchange_article(y, branch) -> None:
    """The demo branch's secretary shares its way of working; the office marks it for the 交流会."""
    article = article_publish(
        access=y.secretary_access(branch),
        committee_id=y.campaign.committee_id,
        branch=branch,
        title=ARTICLE_TITLE,
        body=ARTICLE_BODY,
        files=[evidence_file("三张清单样表.pdf")],
    )
    article_mark(access=y.office, article=article, for_meeting=True)
    # Published a month ago, marked a week later (the services stamp today).
    Article.objects.filter(pk=article.pk).update(published_on=y.clip(y.today - 30 * DAY))
    restamp(Article, "marked_at", {article.pk: at(y.clip(y.today - 23 * DAY), 11)})
