"""Asking for a report, writing it in the worker, and letting old files expire.

A file is written under a temporary name and moved into place only when complete, and the
record says "ready" only after that: a worker killed half-way leaves nothing to download, and
the task (acknowledged late) is delivered again and starts over."""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import Access, compute_access
from core.queue import enqueue
from core.services import save_as

from . import builders  # noqa: F401  (registers the reports)
from .models import STUCK_MESSAGE, TIME_LIMIT, ReportFile, report_path
from .registry import PDF_ROW_LIMIT, get, resolve
from .render.pdf import write_pdf
from .render.xlsx import write_xlsx
from .table import with_progress
from .workflow import authorize

logger = logging.getLogger(__name__)

KEEP_DAYS = getattr(settings, "REPORTS_KEEP_DAYS", 7)
WORK_DIR = "reports/tmp"


class Refused(Exception):
    """The report can no longer be written for its reader (permission or data changed)."""


def report_request(*, access: Access, kind: str, fmt: str, params: dict) -> ReportFile:
    """Queue a report for ``access.user``. Refuses (ValidationError/PermissionDenied) what the
    reader may not see or what cannot be written; the same request still waiting is not queued
    twice."""
    actor = access.user
    report = get(kind)
    authorize(access, report, "request")
    if fmt not in report.formats:
        raise ValidationError(_("Choose PDF or Excel."))
    resolved = resolve(access, report, params)
    total = report.count(access, resolved)
    if fmt == ReportFile.Format.PDF and total > PDF_ROW_LIMIT:
        raise ValidationError(
            _("This report has %(rows)s rows, more than a PDF can hold (%(limit)s). Choose Excel.")
            % {"rows": total, "limit": PDF_ROW_LIMIT}
        )
    stored = {**resolved.as_json(), "language": translation.get_language() or settings.LANGUAGE_CODE}
    with transaction.atomic():
        # A stuck file of this reader is failed first, so that the request is not answered with it.
        reports_fail_stuck(requested_by=actor)
        waiting = (
            ReportFile.objects.select_for_update()
            .filter(
                requested_by=actor,
                kind=kind,
                format=fmt,
                params=stored,
                state__in=[ReportFile.State.QUEUED, ReportFile.State.RUNNING],
            )
            .first()
        )
        if waiting is not None:
            return waiting
        report_file = ReportFile.objects.create(
            requested_by=actor,
            kind=kind,
            format=fmt,
            params=stored,
            title=report.title_for(resolved),
            total=total,
        )
        # Sent after commit; kept in the outbox while the broker is down (dispatch.deferred).
        # Queued by name: the tasks call these services, so the services do not import them.
        report_file.dispatch = enqueue("reports.tasks.generate_report", report_file.pk)
    return report_file


def _set(report_file_id: int, **fields) -> None:
    ReportFile.objects.filter(pk=report_file_id).update(**fields)


def report_generate(*, report_file_id: int) -> ReportFile:
    """Write the file of a queued report (in the worker). Idempotent: a file already written is
    left alone; a run interrupted before the end starts over."""
    with transaction.atomic():
        report_file = (
            ReportFile.objects.select_for_update().select_related("requested_by").get(pk=report_file_id)
        )
        if report_file.state in (ReportFile.State.DONE, ReportFile.State.EXPIRED, ReportFile.State.FAILED):
            return report_file
        report_file.state = ReportFile.State.RUNNING
        report_file.attempts += 1
        report_file.started_at = timezone.now()
        report_file.progress = 0
        report_file.save(update_fields=["state", "attempts", "started_at", "progress"])

    language = report_file.params.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        access = compute_access(report_file.requested_by)
        report = get(report_file.kind)
        try:
            authorize(access, report, "write")
            params = resolve(access, report, report_file.params)
        except (ValidationError, PermissionDenied) as refused:
            message = (
                "; ".join(refused.messages)
                if isinstance(refused, ValidationError)
                else _("You may no longer see the data of this report.")
            )
            _set(report_file.pk, state=ReportFile.State.FAILED, error=message, finished_at=timezone.now())
            raise Refused(message) from refused
        work = Path(settings.MEDIA_ROOT) / WORK_DIR
        work.mkdir(parents=True, exist_ok=True)
        temporary = work / f"{uuid.uuid4().hex}.{report_file.format}"

        def progress(n: int) -> None:
            _set(report_file.pk, progress=n)

        try:
            if report_file.format == ReportFile.Format.XLSX:
                table = report.table(access, params)
                table.rows = with_progress(table.rows, progress)
                _set(report_file.pk, total=table.count)
                write_xlsx(table, temporary)
            else:
                template, context = report.pdf(access, params, progress)
                write_pdf(template, context, temporary)
            name = report_path(report_file, temporary.name)
            final = Path(default_storage.path(name))
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)  # atomic: the file appears whole or not at all
        finally:
            temporary.unlink(missing_ok=True)
    now = timezone.now()
    _set(
        report_file.pk,
        state=ReportFile.State.DONE,
        file=name,
        size=final.stat().st_size,
        finished_at=now,
        expires_at=now + datetime.timedelta(days=KEEP_DAYS),
        error="",
    )
    report_file.refresh_from_db()
    return report_file


def report_fail(*, report_file_id: int, error: str) -> None:
    _set(report_file_id, state=ReportFile.State.FAILED, error=error[:2000], finished_at=timezone.now())


def reports_fail_stuck(*, now: datetime.datetime | None = None, requested_by=None) -> int:
    """Mark failed, with a message, the files "running" longer than the time limit (the worker
    writing them died without a word; the broker would deliver them again only after its
    visibility timeout). A later delivery of such a file finds it failed and leaves it. Run by
    the scheduled job and before each request (for the reader's own files). Returns how many."""
    cutoff = (now or timezone.now()) - TIME_LIMIT
    stuck = ReportFile.objects.filter(state=ReportFile.State.RUNNING, started_at__lte=cutoff)
    if requested_by is not None:
        stuck = stuck.filter(requested_by=requested_by)
    failed = 0
    with transaction.atomic():
        for report_file in stuck.select_for_update(skip_locked=True):
            language = report_file.params.get("language") or settings.LANGUAGE_CODE
            with translation.override(language):
                report_file.error = str(STUCK_MESSAGE)
            report_file.state = ReportFile.State.FAILED
            report_file.finished_at = now or timezone.now()
            save_as(report_file, None, update_fields=["state", "error", "finished_at"])
            failed += 1
    if failed:
        logger.warning("%s report file(s) stuck past the time limit marked failed", failed)
    return failed


def reports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files past their expiry (the request stays, marked expired) and leftovers of
    interrupted runs older than a day. Returns how many files were expired."""
    now = now or timezone.now()
    expired = 0
    for report_file in ReportFile.objects.filter(state=ReportFile.State.DONE, expires_at__lte=now):
        if report_file.file:
            report_file.file.delete(save=False)
        _set(report_file.pk, state=ReportFile.State.EXPIRED, file="")
        expired += 1
    work = Path(settings.MEDIA_ROOT) / WORK_DIR
    if work.exists():
        cutoff = (now - datetime.timedelta(days=1)).timestamp()
        for leftover in work.iterdir():
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
    return expired
