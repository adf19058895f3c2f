"""Who may ask for a report and have it written: the one place where it is decided.

A report has no state a person moves (the worker moves a file from queued to done), so the
workflow has no transitions: two actions allowed in any state, each needing a part.

- ``request``: the download centre (``reports.request``) and the permission of the report's
  data; checked when the report is asked for;
- ``write``: the permission of the data alone, checked again in the worker, since the reader
  may have lost it while the report waited in the queue.
"""

from __future__ import annotations

from core.workflow import ANY, Workflow

READER, REQUESTER = "reader", "requester"


class ReportWorkflow(Workflow):
    steady = {"request": ANY, "write": ANY}
    actors = {"request": REQUESTER, "write": READER}

    def parts(self, access, report) -> set[str]:
        """``report`` is a ``registry.Report`` (a kind of report, not a file)."""
        if not access.has(report.permission):
            return set()
        return {READER, REQUESTER} if access.has("reports.request") else {READER}


WORKFLOW = ReportWorkflow()
authorize = WORKFLOW.authorize
