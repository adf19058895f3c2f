"""Shared set-up of the report tests: an approved award list, files read back."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.access import compute_access
from awards import services as award_services
from awards.models import AwardCycle, ModelPost
from reports import services
from reports.models import ReportFile

from .test_awards_support import run_now

D = datetime.date
S = AwardCycle.Status


def advance(cycle, to, user, today):
    return award_services.cycle_advance(cycle=cycle, to=to, access=compute_access(user), today=today)


@pytest.fixture
def approved(institute, scored):
    """The scored worked example with its award list approved and a model post designated."""
    run = run_now(scored.year, scored.office)
    award_services.scoring_run_approve(run=run, access=compute_access(scored.office))
    cycle = award_services.cycle_create(campaign_year=scored.year, access=compute_access(scored.office))
    cycle.outstanding_member_share = Decimal("0.5")
    cycle.save()
    award_services.cycle_propose(cycle=cycle, access=compute_access(scored.office))
    advance(cycle, S.NOTICE, scored.office, D(2026, 5, 1))
    advance(cycle, S.APPROVAL, scored.office, D(2026, 5, 8))  # 5 working days from Friday 1 May
    cycle = advance(cycle, S.APPROVED, institute.leader.user, D(2026, 5, 8))
    ModelPost.objects.create(
        person=institute.member,
        branch=institute.branch,
        post_name="科研攻关示范岗",
        designated_on=D(2026, 4, 1),
        term_ends_on=D(2027, 3, 31),
        designated_by=scored.office,
    )
    scored.cycle = cycle
    return scored


def generate(user, kind, fmt, capture, **params) -> ReportFile:
    """Ask for a report and run the queued task (Celery is eager in the tests)."""
    with capture(execute=True):
        f = services.report_request(access=compute_access(user), kind=kind, fmt=fmt, params=params)
    f.refresh_from_db()
    return f


def sheet(report_file):
    workbook = load_workbook(report_file.file.path)
    return workbook[workbook.sheetnames[0]]


def header_and_rows(ws, header_row):
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[header_row - 1]), rows[header_row:]


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def ink(path, tmp_path, page=1) -> tuple[float, float]:
    """The share of dark pixels in the top and the middle third of a page rendered at 40 dpi."""
    from PIL import Image

    prefix = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), "-png", "-gray", str(path), str(prefix)],
        check=True,
    )
    image = Image.open(next(tmp_path.glob(f"page{page}*.png"))).convert("L")
    width, height = image.size

    def share(top, bottom):
        histogram = image.crop((0, top, width, bottom)).histogram()  # pixels per grey level
        return sum(histogram[:128]) / sum(histogram)

    return share(0, height // 3), share(height // 3, 2 * height // 3)
