"""The PDF of login slips, made once in the response that issued the passwords: it is never
written to disk, so the one-time passwords exist only in that download (a lost slip: reset the
password, which makes a new one).

Drawn by WeasyPrint with the Noto CJK font, as the reports' PDFs (accounts sits below reports
and cannot use its writer; the few lines are repeated here rather than moved, since the reports'
writer also draws page counters and tables this does not need)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .logins import Slip


def slips_pdf(slips: list[Slip]) -> bytes:
    from weasyprint import HTML  # loading Pango takes a moment: only when a PDF is made

    html = render_to_string(
        "accounts/pdf/slips.html",
        {"slips": slips, "site_url": settings.SITE_URL, "printed_on": timezone.localdate()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def slips_response(slips: list[Slip]) -> HttpResponse:
    response = HttpResponse(slips_pdf(slips), content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="login-slips-{stamp}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response
