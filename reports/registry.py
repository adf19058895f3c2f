"""The reports of the download centre and what each needs.

A report declares the permission of its data and the parameters it takes; ``resolve`` loads
the parameters within the reader's scope, both when the report is asked for and again in the
worker, so that a file never holds more than its reader may see at the time it is written."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import Access

from .render.pdf import table_context
from .table import Table

# Rows beyond which a PDF is refused (WeasyPrint needs ~0.3 MB per table row); Excel has no limit.
PDF_ROW_LIMIT = 5000


@dataclass
class Params:
    year: object = None  # campaigns.CampaignYear
    branch: object = None  # branches.Branch or None (all branches in scope)
    subject: str = ""  # "branch" or "member" for score reports
    evaluation: object = None  # evaluations.Evaluation

    def as_json(self) -> dict:
        return {
            "year": self.year.pk if self.year else None,
            "branch": self.branch.pk if self.branch else None,
            "subject": self.subject,
            "evaluation": self.evaluation.pk if self.evaluation else None,
        }


class Report:
    key = ""
    title = ""
    description = ""
    permission = ""
    formats = ("pdf", "xlsx")
    needs: tuple[str, ...] = ("year",)  # of: year, branch, subject, evaluation
    branch_required = False

    def title_for(self, params: Params) -> str:
        raise NotImplementedError

    def count(self, access: Access, params: Params) -> int:
        """How many rows the table will have (for progress and the PDF limit)."""
        raise NotImplementedError

    def table(self, access: Access, params: Params) -> Table:
        raise NotImplementedError

    def check(self, access: Access, params: Params) -> None:
        """Refuse, with a message, what cannot be written (e.g. a list not yet approved)."""

    def pdf(self, access: Access, params: Params, progress=None) -> tuple[str, dict]:
        return "reports/pdf/table.html", table_context(self.table(access, params), progress)


REPORTS: dict[str, Report] = {}


def register(cls):
    REPORTS[cls.key] = cls()
    return cls


def get(key: str) -> Report:
    try:
        return REPORTS[key]
    except KeyError:
        raise ValidationError(_("There is no such report.")) from None


def available(access: Access) -> list[Report]:
    return [r for r in REPORTS.values() if access.has(r.permission)]


# Choices offered in the request forms -----------------------------------------------------------


def years(access: Access, permission: str):
    from campaigns.models import CampaignYear

    return CampaignYear.objects.visible_to(access, permission)


def branches(access: Access, permission: str):
    from branches.models import Branch

    return (
        access.restrict(Branch.objects.filter(is_active=True), permission, branch="")
        .select_related("general_branch")
        .order_by(
            "committee_id", "general_branch__sort_order", "general_branch__name_key", "sort_order", "name_key"
        )
    )


def evaluations(access: Access, permission: str):
    from evaluations.models import Evaluation
    from evaluations.selectors import evaluations_for

    return evaluations_for(access, permission).filter(status=Evaluation.Status.CLOSED).order_by("-closes_on")


SUBJECTS = [("branch", gettext_lazy("Branches")), ("member", gettext_lazy("Members"))]


def resolve(access: Access, report: Report, raw: dict) -> Params:
    """Load ``raw`` (ids from a form or a stored request) within the reader's scope; anything
    outside it is refused as if it did not exist."""
    params = Params()
    missing = _("Choose the %(what)s.")
    if "year" in report.needs:
        params.year = years(access, report.permission).filter(pk=raw.get("year") or 0).first()
        if params.year is None:
            raise ValidationError(missing % {"what": _("campaign year")})
    if "branch" in report.needs and raw.get("branch"):
        params.branch = branches(access, report.permission).filter(pk=raw["branch"]).first()
        if params.branch is None or (
            params.year and params.branch.committee_id != params.year.campaign.committee_id
        ):
            raise ValidationError(missing % {"what": _("branch")})
    if "branch" in report.needs and report.branch_required and params.branch is None:
        raise ValidationError(missing % {"what": _("branch")})
    if "subject" in report.needs:
        params.subject = raw.get("subject") or ""
        if params.subject not in dict(SUBJECTS):
            raise ValidationError(missing % {"what": _("kind of score sheet")})
    if "evaluation" in report.needs:
        params.evaluation = (
            evaluations(access, report.permission).filter(pk=raw.get("evaluation") or 0).first()
        )
        if params.evaluation is None:
            raise ValidationError(missing % {"what": _("closed evaluation")})
    report.check(access, params)
    return params
