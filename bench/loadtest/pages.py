"""The main pages of each role, with the objects they show picked from the generated data in the
scope of the benchmark's logins (first institute)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from accounts.models import User
from awards.models import ScoreLine, ScoringRun
from evaluations.models import Evaluation, Target
from pledges.models import Pledge

from ..generator.world import LOGINS


def _person(username):
    return User.objects.select_related("person").get(username=username).person


def _url(name, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def pages() -> dict[str, list[tuple[str, str | None]]]:
    """role -> [(page label, url or None when the URL does not exist yet)]."""
    secretary = _person(LOGINS["secretary"])
    member = _person(LOGINS["member"])
    staff = _person(LOGINS["staff"])
    branch = secretary.branch
    year = Pledge.objects.filter(branch=branch).values_list("campaign_year_id", flat=True).first()
    run = ScoringRun.objects.filter(campaign_year_id=year).order_by("-status").first()  # approved first
    branch_line = ScoreLine.objects.filter(run=run, branch=branch, person__isnull=True).first()
    member_line = ScoreLine.objects.filter(run=run, person=member).first()
    branch_pledge = Pledge.objects.filter(branch=branch, kind=Pledge.Kind.BRANCH).first()
    member_pledge = Pledge.objects.filter(person=member).first()
    staff_pledge = (
        Pledge.objects.public()
        .filter(kind=Pledge.Kind.BRANCH, branch__departments=staff.department_id)
        .first()
    )
    evaluation = (
        Target.objects.filter(branch=branch, evaluation__status=Evaluation.Status.CLOSED)
        .values_list("evaluation_id", flat=True)
        .first()
    )
    home = ("home", _url("home"))
    centre = ("download centre", _url("reports:centre"))
    office = [
        home,
        ("branch list", _url("branches:branch_list")),
        ("branch detail", _url("branches:branch_detail", branch.pk)),
        ("pledge list", _url("pledges:list")),
        ("pledge detail", _url("pledges:detail", branch_pledge.pk)),
        ("activity ledger", _url("activities:list")),
        ("compliance grid", _url("activities:compliance")),
        ("evaluation results", _url("evaluations:results", evaluation)),
        ("ranking", _url("awards:ranking", year)),
        ("score drill-down", _url("awards:line", branch_line.pk)),
        centre,
    ]
    return {
        "office": office,
        "leading_group": [p for p in office if p[0] != "score drill-down"]
        + [("score drill-down", _url("awards:line", branch_line.pk))],
        "secretary": office,
        "gb_secretary": [
            home,
            ("branch list", _url("branches:branch_list")),
            ("branch detail", _url("branches:branch_detail", branch.pk)),
            ("pledge list", _url("pledges:list")),
            ("activity ledger", _url("activities:list")),
            ("compliance grid", _url("activities:compliance")),
            ("ranking", _url("awards:ranking", year)),
            centre,
        ],
        "member": [
            home,
            ("pledge list", _url("pledges:list")),
            ("pledge detail", _url("pledges:detail", member_pledge.pk)),
            ("my evaluations", _url("evaluations:mine")),
            ("score drill-down", _url("awards:line", member_line.pk) if member_line else None),
            centre,
        ],
        "staff": [
            home,
            ("pledge list", _url("pledges:list")),
            ("pledge detail", _url("pledges:detail", staff_pledge.pk) if staff_pledge else None),
            ("my evaluations", _url("evaluations:mine")),
            centre,
        ],
        "admin": [
            home,
            ("branch list", _url("branches:branch_list")),
            ("activity ledger", _url("activities:list")),
            ("compliance grid", _url("activities:compliance")),
        ],
    }
