"""The demo year's channels (``demo.year_channels``), checked on the demo year's one load in
``tests/test_demo_year.py``: a QR sign-in held at the demo secretary's latest meeting, last
year's duty reports graded with a closed satisfaction rating, questions on a pledge answered (one
hidden with a reason), an experience article marked for the 交流会."""

from activities.models import ActivityRecord, Attendance, AttendanceStatus, SignIn, SignInWindow
from branches.models import Branch
from campaigns.models import CampaignYear
from demo.data import SECRETARY_BRANCH
from duties.models import DutyReport
from evaluations.models import BallotCount, Evaluation
from exchange.models import Article
from pledges.comments import PledgeComment


def check_channels_derived_and_consistent(year):
    branch = Branch.objects.get(committee=year.campaign.committee, name=SECRETARY_BRANCH)
    # Sign-in: at the branch's latest meeting, closed; who signed in is present, one on leave.
    window = SignInWindow.objects.select_related("record").get(record__branch=branch)
    latest = ActivityRecord.objects.filter(branch=branch, pk=window.record_id).get()
    assert window.closed_at is not None and window.opened_at.date() == latest.held_on
    signed = set(SignIn.objects.filter(window=window).values_list("person_id", flat=True))
    attendance = Attendance.objects.filter(record=latest)
    assert len(signed) >= 2
    assert signed <= set(
        attendance.filter(status=AttendanceStatus.PRESENT).values_list("person_id", flat=True)
    )
    leave = attendance.get(status=AttendanceStatus.LEAVE)
    assert leave.reason and leave.person_id not in signed
    # Last year's duty reports: every one graded at the assessment meeting, with a comment.
    last = CampaignYear.objects.get(campaign=year.campaign, year=year.year - 1)
    reports = DutyReport.objects.filter(campaign_year=last)
    assert reports.count() >= Branch.objects.filter(committee=year.campaign.committee).count() // 2
    assert not reports.exclude(status=DutyReport.Status.GRADED).exists()
    assert not reports.filter(grade_comment="").exists()
    assert {"good", "fairly_good"} <= set(reports.values_list("grade", flat=True))
    assert all(r.graded_at.date().year == last.year for r in reports)
    mine = reports.get(branch=branch)
    assert mine.grade == "good" and mine.attachments.exists()
    assert mine.evaluation.status == Evaluation.Status.CLOSED
    assert BallotCount.objects.get(target__evaluation=mine.evaluation).count >= mine.evaluation.min_ballots
    # Questions on the branch's pledge: answered by the branch, one hidden with the reason.
    comments = PledgeComment.objects.filter(pledge__branch=branch, pledge__campaign_year=year)
    if comments.exists():
        assert comments.filter(status=PledgeComment.Status.ANSWERED).count() == 2
        hidden = comments.get(status=PledgeComment.Status.HIDDEN)
        assert hidden.hidden_reason and hidden.answer == ""
    # The branch's article, marked for the 交流会.
    article = Article.objects.get(branch=branch)
    assert article.for_meeting and article.marked_by_id and article.files.exists()
