"""Run one scheduled job now, in this process: for a first run on SQLite without Redis or beat,
or to catch up by hand. ``--on`` runs it as of another day."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision import tasks
from supervision.tasks import JOBS


class Command(BaseCommand):
    help = "Run one scheduled supervision job now, e.g. open_due_review_rounds."

    def add_arguments(self, parser):
        parser.add_argument("job", nargs="?", help=", ".join(JOBS))
        parser.add_argument("--on", help="run as of this day (YYYY-MM-DD)")

    def handle(self, *args, job=None, on=None, **options):
        if not job:
            for name, task in JOBS.items():
                self.stdout.write(f"{name}\t{task}")
            return
        short = job.rsplit(".", 1)[-1]
        if short not in JOBS:
            raise CommandError(
                _("Unknown job “%(job)s”. Jobs: %(jobs)s") % {"job": job, "jobs": ", ".join(JOBS)}
            )
        if on:
            try:
                datetime.date.fromisoformat(on)
            except ValueError:
                raise CommandError(_("--on takes a date as YYYY-MM-DD.")) from None
        result = getattr(tasks, short).apply(kwargs={"on": on})
        if result.failed():
            raise CommandError(str(result.result))
        self.stdout.write(f"{job}: {result.result}")
