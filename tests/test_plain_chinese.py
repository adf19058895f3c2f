"""Plain Chinese on pages and documents: the award decision as a 党委 issues it (a masthead that
never breaks inside a word, its 文号, measure words), score sheet headers that do not wrap one
character per line, report subtitles in plain words, no program text on pages."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import math
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.access import compute_access
from reports.builders.awards import masthead_size
from reports.render.pdf import table_context

from .reports_support import approved, generate, pdf_text, sheet  # noqa: F401
from .test_awards_support import record, scored  # noqa: F401

pytestmark = pytest.mark.django_db

LONG_NAME = "中国电子科技集团公司第二十六研究所委员会"


def test_award_decision_masthead_number_and_measure_words(
    institute, approved, django_capture_on_commit_callbacks
):
    committee = institute.committee
    committee.name = LONG_NAME
    committee.save()
    approved.cycle.document_number = "所党字〔2026〕5号"
    approved.cycle.save()
    f = generate(
        approved.office, "award_list", "pdf", django_capture_on_commit_callbacks, year=approved.year.pk
    )
    lines = [line.strip().replace(" ", "") for line in pdf_text(f.file.path).splitlines() if line.strip()]
    # The masthead is one line, set smaller for a long name, never "第二十六研 / 究所委员会文件".
    assert lines[0] == f"{LONG_NAME}文件"
    assert masthead_size(f"{LONG_NAME}文件") < 26 and masthead_size("二十六所党委文件") == 26
    assert lines[1] == "所党字〔2026〕5号"
    text = "".join(lines)
    people = approved.cycle.candidates.filter(removed=False, person__isnull=False).count()
    assert f"优秀共产党员（{people}名）" in text and "个）" in text
    assert "党员示范岗（1名）" in text
    assert "优秀共产党员（1个）" not in text


def _two_lines_at_most(header, share, page_mm):
    """Does ``header`` take at most two lines in a column of ``share`` % of ``page_mm`` (9 pt
    bold CJK about 3.2 mm a character, 3 mm of padding)?"""
    per_line = max(1, math.floor((share / 100 * page_mm - 3) / 3.2))
    return math.ceil(len(header) / per_line) <= 2


@pytest.mark.parametrize("subject", ["branch", "member"])
def test_score_sheet_headers_do_not_wrap_a_character_a_line(institute, approved, subject):
    from accounts.access import compute_access
    from reports.registry import Params, get

    report = get("score_sheet")
    params = Params(year=approved.year, subject=subject, branch=None)
    table = report.table(compute_access(approved.office), params)
    context = table_context(table)
    page_mm = 297 - 36  # A4 landscape less the margins
    for column in context["columns"]:
        assert _two_lines_at_most(str(column["header"]), column["share"], page_mm), column


def test_report_subtitles_name_their_scope_in_plain_words(
    institute, scored, django_capture_on_commit_callbacks
):
    with translation.override("zh-hans"):
        office = generate(
            scored.office, "pledge_register", "xlsx", django_capture_on_commit_callbacks, year=scored.year.pk
        )
        gb = generate(
            institute.gb_secretary.user,
            "pledge_register",
            "xlsx",
            django_capture_on_commit_callbacks,
            year=scored.year.pk,
        )
    assert sheet(office)["A3"].value == "全所各党支部"
    assert sheet(gb)["A3"].value == "第一党总支所属各党支部"
    for f in (office, gb):
        assert "权限范围" not in str(sheet(f)["A3"].value)


def test_the_office_gives_the_document_number_when_it_announces(client, institute, approved):
    from django.urls import reverse

    client.force_login(approved.office)
    url = reverse("awards:cycle_action", args=[approved.year.pk, "announced"])
    response = client.post(url, {"confirm": "on", "document_number": " 所党字〔2026〕5号 "})
    assert response.status_code == 302
    approved.cycle.refresh_from_db()
    assert approved.cycle.status == "announced" and approved.cycle.document_number == "所党字〔2026〕5号"
    page = client.get(reverse("awards:cycle", args=[approved.year.pk])).content.decode()
    assert "文号：所党字〔2026〕5号" in page


# --- A scan of rendered main pages for program text -------------------------------------------

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # pledge_published_on_time
REPR = re.compile(r"object at 0x|<built-in|\{'|\['|\bNone\b|\bTrue\b|\bFalse\b|import random")
CJK = "\u4e00-\u9fff"
# ASCII punctuation inside a Chinese sentence: a Chinese character, then , ; ? ! or ( ), or the reverse.
ASCII_PUNCT = re.compile(f"[{CJK}][,;?!()]|[,;?!(][{CJK}]")


class _Text(HTMLParser):
    """The text a reader sees: no scripts, styles or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def _problems(text):
    return {
        "identifiers": SNAKE.findall(text),
        "reprs": REPR.findall(text),
        "ascii punctuation": ASCII_PUNCT.findall(text),
        "期中点评": ["期中点评"] if "期中点评" in text else [],
    }


def test_main_pages_show_no_program_text(client, institute, approved):
    from supervision import services as supervision_services

    office = approved.office
    draw = supervision_services.spot_check_draw_create(
        access=compute_access(office), campaign_year=approved.year, population_kind="branches", sample_size=2
    )
    year = approved.year.pk
    client.force_login(office)
    pages = [
        reverse("home"),
        reverse("awards:year", args=[year]),
        reverse("awards:rubric", args=[year]),
        reverse("awards:ranking", args=[year]),
        reverse("awards:cycle", args=[year]),
        reverse("reports:dashboard"),
        reverse("reports:centre"),
        reverse("supervision:draw_list"),
        reverse("supervision:draw_detail", args=[draw.pk]),
        reverse("supervision:review_index"),
        reverse("branches:branch_list"),
    ]  # (not the audit log: the fixtures' records are titled "news_report 2026-01-20")
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        problems = {k: v for k, v in _problems(visible_text(response)).items() if v}
        if problems:
            found[url] = problems
    assert found == {}
    rubric = visible_text(client.get(reverse("awards:rubric", args=[year])))
    assert "按时公布承诺" in rubric
    cycle = visible_text(client.get(reverse("awards:cycle", args=[year])))
    assert "50%" in cycle and "0.500" not in cycle  # the fixture's quota of outstanding members
    drawn = visible_text(client.get(reverse("supervision:draw_detail", args=[draw.pk])))
    assert "如何核验抽样" in drawn and "random" not in drawn


def test_the_scan_finds_what_it_looks_for():
    text = "指标 pledge_published_on_time,已完成 None {'a': 1} 期中点评"
    problems = _problems(text)
    assert problems["identifiers"] == ["pledge_published_on_time"]
    assert problems["reprs"] and problems["ascii punctuation"] and problems["期中点评"]
    assert not any(_problems("第一党支部：已完成（10%）。2026-03-31 10:00").values())
