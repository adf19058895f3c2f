"""One measured piece of background work, run by ``manage.py bench`` in a child process so that
its time and peak memory are its own: the scoring run of some institutes, or one report.

Prints one JSON line: seconds, the process's memory before the work and its peak (KB)."""

import json
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark helper: run the scoring of some campaign years, or one report, and measure it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="task", required=True)
        scoring = sub.add_parser("scoring")
        scoring.add_argument("years", help="campaign year ids, comma-separated")
        report = sub.add_parser("report")
        report.add_argument("--user", required=True)
        report.add_argument("--kind", required=True)
        report.add_argument("--fmt", required=True)
        report.add_argument("--params", default="{}")

    def handle(self, *args, task, **options):
        import django.db

        django.db.connection.ensure_connection()
        before = rss_kb()
        started = time.perf_counter()
        result = self.scoring(options["years"]) if task == "scoring" else self.report(**options)
        result.update(
            seconds=round(time.perf_counter() - started, 3),
            baseline_kb=before,
            peak_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        )
        self.stdout.write(json.dumps(result))

    def scoring(self, years: str) -> dict:
        """Recompute each year's snapshot exactly as the worker's task does, then roll back, so
        that the approved scores and the award lists of the generated data stay as they are."""
        from django.db import transaction

        from awards.models import ScoringRun
        from awards.scoring.compute import compute
        from campaigns.models import CampaignYear

        lines = 0
        try:
            with transaction.atomic():
                for year in CampaignYear.objects.filter(pk__in=[int(y) for y in years.split(",")]):
                    ScoringRun.objects.filter(campaign_year=year, status=ScoringRun.Status.DRAFT).delete()
                    run = ScoringRun.objects.create(
                        campaign_year=year, as_of=year.scoring_closes_on, requested_by_id=_office_user(year)
                    )
                    lines += compute(run)
                raise Rollback
        except Rollback:
            pass
        return {"lines": lines}

    def report(self, *, user, kind, fmt, params, **options) -> dict:
        """Ask for the report as the user would (``params``: one JSON object, or a list of them
        for several files in a row); without REDIS_URL the task runs in this process when the
        request commits (the worker's own code, ``reports.tasks``)."""
        from accounts.access import compute_access
        from accounts.models import User
        from reports import services

        access = compute_access(User.objects.get(username=user))
        wanted = json.loads(params)
        out = {"files": 0, "rows": 0, "size": 0, "state": "done", "error": ""}
        for one in wanted if isinstance(wanted, list) else [wanted]:
            report_file = services.report_request(access=access, kind=kind, fmt=fmt, params=one)
            report_file.refresh_from_db()
            out["files"] += 1
            out["rows"] += report_file.total
            out["size"] += report_file.size
            if report_file.state != "done":
                out["state"], out["error"] = report_file.state, report_file.error
        return out


def _office_user(year) -> int:
    from campaigns.models import OfficeMember

    seat = (
        OfficeMember.objects.filter(campaign=year.campaign)
        .select_related("person")
        .order_by("sort_order")
        .first()
    )
    return seat.person.user_id
