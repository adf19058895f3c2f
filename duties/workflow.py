"""Who may act on a duty report, and in which state: the one place where both are decided (see
the diagram in ``models``). The secretary who reports writes and submits; the campaign office of
the institute returns, grades, reopens a grade with a reason and opens the satisfaction rating."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Workflow

from .models import DutyReport

AUTHOR, OFFICE = "author", "office"
S = DutyReport.Status
# The office's supervision permission: the duty reports are part of its 实绩考核.
OFFICE_PERMISSION = "supervision.change"
VIEW_PERMISSION = "supervision.view"


class DutyReportWorkflow(Workflow):
    transitions = {
        (S.DRAFT, "submit"): S.SUBMITTED,
        (S.SUBMITTED, "return"): S.DRAFT,
        (S.SUBMITTED, "grade"): S.GRADED,
        (S.GRADED, "reopen"): S.SUBMITTED,
    }
    steady = {"edit": frozenset({S.DRAFT}), "rate": frozenset({S.SUBMITTED, S.GRADED})}
    actors = {
        "edit": AUTHOR,
        "submit": AUTHOR,
        "return": OFFICE,
        "grade": OFFICE,
        "reopen": OFFICE,
        "rate": OFFICE,
    }
    labels = {
        "edit": gettext_lazy("Write"),
        "submit": gettext_lazy("Submit"),
        "return": gettext_lazy("Return"),
        "grade": gettext_lazy("Give the grade"),
        "reopen": gettext_lazy("Reopen the grade"),
        "rate": gettext_lazy("Open a satisfaction rating"),
    }

    def parts(self, access, report: DutyReport) -> set[str]:
        parts = set()
        if access.person is not None and report.secretary_id == access.person.pk:
            parts.add(AUTHOR)
        if access.reaches_institute(OFFICE_PERMISSION, report.campaign_year.campaign.committee_id):
            parts.add(OFFICE)
        return parts

    def state_allows(self, report: DutyReport, action: str) -> bool:
        allowed = super().state_allows(report, action)
        if action == "rate":
            return allowed and report.evaluation_id is None
        return allowed

    def refusal(self, report: DutyReport, action: str) -> ValidationError:
        if action == "rate" and report.evaluation_id:
            return ValidationError(_("A satisfaction rating of this report is already open."), code="rated")
        if action in ("edit", "submit"):
            return ValidationError(_("Only a draft can be changed or submitted."), code="status")
        return super().refusal(report, action)


REPORT = DutyReportWorkflow()
