"""Load the demo institute (idempotent) and print one login per role."""

import time
import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from demo.loader import demo_load


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = gettext_lazy(
        "Load a demo institute with its campaign, organisation, people and one login per role. "
        "Does nothing but print the logins when the demo is already loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help=gettext_lazy("Random seed (default 2026).")
        )

    def handle(self, *args, seed: int, **options):
        started = time.perf_counter()
        result = demo_load(seed=seed)
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Loaded the demo institute “%(name)s” in %(seconds).1f s: %(people)d people, "
                        "%(members)d party members, %(staff)d staff."
                    )
                    % {
                        "name": result.committee.label,
                        "seconds": time.perf_counter() - started,
                        "people": result.people,
                        "members": result.members,
                        "staff": result.staff,
                    }
                )
            )
        else:
            self.stdout.write(
                _("The demo institute “%(name)s” is already loaded; nothing was changed.")
                % {"name": result.committee.label}
            )
        if not result.logins:
            return
        header = [_("Role"), _("Username"), _("Password"), _("Name"), _("Unit")]
        unknown = _("(not the demo password)")
        rows = [
            [login.role_label, login.username, login.password or unknown, login.name, login.unit]
            for login in result.logins
        ]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        self.stdout.write("")
        self.stdout.write(_("Demo logins:"))
        for row in [header, ["-" * w for w in widths], *rows]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
