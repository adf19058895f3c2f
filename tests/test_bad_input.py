"""The corpus of hostile and broken inputs (tests/hostile.py) against the forms and the import.

Every form of the project derives from formguard's guarded bases (checked below), so the text
checks hold for all of them; ``FORMS`` drives the corpus through the pages of the create and edit
forms: every text field of each gets every hostile value. Markup is stored as typed and shown
escaped; the rest gets a message (status 200, never 500) and changes nothing (row counts of
every table, history included)."""

import datetime
import importlib
import inspect
import io
from dataclasses import dataclass
from types import SimpleNamespace

import openpyxl
import pytest
from django import forms as django_forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.access import compute_access
from activities import services as activity_services
from activities.models import ActivityRecord, Kind
from awards.models import BranchCriterion
from branches import roster
from branches.models import Person, RosterImport
from campaigns.models import CampaignYear
from core import evidence
from formguard.forms import TEXT_MAX, GuardedForm, GuardedModelForm
from supervision import services as supervision_services
from supervision.models import Review

from . import hostile
from .test_permission_grid import database_state

pytestmark = pytest.mark.django_db


@dataclass
class FormCase:
    url: object  # institute → URL
    user: str  # attribute of the institute fixture (a Person, or "admin")
    data: object  # institute → valid POST data
    shown: str  # a text field whose value the page after saving shows


def news_report(i):
    return {"held_on": "2026-03-01", "title": "报道", "published_in": "所刊", "content": "内容"}


def review_url(i):
    year = CampaignYear.objects.get(campaign=i.campaign)
    review_round, _ = supervision_services.review_round_open(campaign_year=year, half=1)
    review = Review.objects.get(round=review_round, kind=Review.Kind.BRANCH, branch=i.branch)
    return reverse("supervision:review_write", args=[review.pk])


def record_url(i):
    record = activity_services.record_create(
        branch=i.branch,
        kind=Kind.NEWS_REPORT,
        access=compute_access(i.secretary.user),
        held_on=datetime.date(2026, 3, 1),
        title="报道",
        published_in="所刊",
        today=datetime.date(2026, 11, 1),
    )
    return reverse("activities:archive", args=[record.pk])


def year_pk(i):
    return CampaignYear.objects.get(campaign=i.campaign).pk


FORMS = {
    "record": FormCase(
        lambda i: reverse("activities:create_kind", args=[i.branch.pk, Kind.NEWS_REPORT]),
        "secretary",
        news_report,
        "title",
    ),
    "record_archive": FormCase(record_url, "secretary", lambda i: {"reason": "重复录入"}, "reason"),
    "champion": FormCase(
        lambda i: reverse("activities:champion_create"),
        "secretary",
        lambda i: {
            "branch": i.branch.pk,
            "campaign_year": year_pk(i),
            "person": i.member.pk,
            "achievement": "攻克难题",
        },
        "achievement",
    ),
    "reading_list": FormCase(
        lambda i: reverse("activities:reading_list_create"),
        "office",
        lambda i: {
            "campaign_year": year_pk(i),
            "title": "推荐书目",
            "published_on": "2026-03-01",
            "note": "说明",
            "books-TOTAL_FORMS": "1",
            "books-INITIAL_FORMS": "0",
            "books-0-title": "红岩",
            "books-0-author": "罗广斌",
            "books-0-note": "",
        },
        "title",
    ),
    "inspection": FormCase(
        lambda i: reverse("supervision:inspection_create"),
        "office",
        lambda i: {
            "campaign_year": year_pk(i),
            "branch": i.branch.pk,
            "kind": "routine",
            "inspected_on": "2026-03-10",
            "subject": "三会一课",
            "findings": "记录不全",
            "rectification_due": "2026-04-10",
        },
        "findings",
    ),
    "review": FormCase(
        review_url,
        "office",
        lambda i: {"achievements": "成绩", "problems": "问题", "direction": "方向"},
        "achievements",
    ),
    "suggestion": FormCase(
        lambda i: reverse("evaluations:suggestion_new"), "staff", lambda i: {"branch": "", "text": "建议"}, ""
    ),
    "rubric_item": FormCase(
        lambda i: reverse("awards:rubric_item_new", args=[year_pk(i), "branch"]),
        "office",
        lambda i: {
            "criterion": BranchCriterion.values[0],
            "name": "新增评分项",
            "max_points": "5",
            "source": "office_points",
            "indicator": "",
            "sort_order": "9",
        },
        "name",
    ),
    "transfer": FormCase(
        lambda i: reverse("branches:person_transfer", args=[i.member.pk]),
        "office",
        lambda i: {"branch": i.branch2.pk, "party_group": "", "on": "2026-03-01", "note": "工作调动"},
        "",
    ),
}


def login(client, institute, who):
    user = institute.admin if who == "admin" else getattr(institute, who).user
    client.force_login(user)


def text_fields(form) -> list[str]:
    """The text fields a person types into (not the hidden token and version)."""
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, django_forms.CharField)
        and not isinstance(field.widget, django_forms.HiddenInput | django_forms.Select)
    ]


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code in (200, 302), (response.status_code, data)
    return response


@pytest.mark.parametrize("key", FORMS)
def test_hostile_text_in_every_text_field(client, institute, key):
    case = FORMS[key]
    url = case.url(institute)
    login(client, institute, case.user)
    response = client.get(url)
    assert response.status_code == 200
    fields = text_fields(response.context["form"])
    assert fields, f"{key}: no text field found"

    for field in fields:
        for name, value in hostile.REFUSED_TEXT.items():
            before = database_state()
            response = post(client, url, {**case.data(institute), field: value})
            assert response.status_code == 200, f"{key}.{field} = {name}: accepted"
            form = response.context["form"]
            assert form.errors, f"{key}.{field} = {name}: no message"
            assert database_state() == before, f"{key}.{field} = {name}: something changed"

    # Markup is stored as typed and shown escaped, never as markup.
    field = case.shown or fields[0]
    response = post(client, url, {**case.data(institute), field: hostile.SCRIPT})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert hostile.SCRIPT not in html
    if case.shown:
        assert hostile.ESCAPED_SCRIPT in html, f"{key}.{field}: the text is not on the page after saving"


def test_control_characters_give_a_clear_message(client, institute):
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    response = client.post(url, {**news_report(institute), "title": "a\x00b"})
    assert response.status_code == 200
    assert "控制字符" in response.content.decode() or "control characters" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_invisible_direction_and_zero_width_characters_are_removed(client, institute):
    """U+202E turns a title around on screen, U+200B makes two equal-looking names differ: gone
    from what is saved, as from file names; a title of nothing else is empty, so refused."""
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    response = client.post(url, {**news_report(institute), "title": "\u202e第一\u200b党支部\ufeff报道\u2066"})
    assert response.status_code == 302
    assert ActivityRecord.objects.get().title == "第一党支部报道"
    response = client.post(url, {**news_report(institute), "title": "\u200b \u202e"})
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert ActivityRecord.objects.count() == 1


def test_long_free_text_has_a_limit_with_a_message(client, institute):
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    response = client.post(url, {**news_report(institute), "content": "长" * TEXT_MAX})
    assert response.status_code == 302  # the limit itself is accepted
    response = client.post(url, {**news_report(institute), "content": "长" * (TEXT_MAX + 1)})
    assert response.status_code == 200 and response.context["form"].errors["content"]
    assert ActivityRecord.objects.count() == 1


# --- Wrong types, numbers and dates ------------------------------------------------------------


WRONG = {
    # form key: {field: values that must be refused}
    "rubric_item": {
        "max_points": [*hostile.WRONG_NUMBERS, "1e20"],
        "sort_order": hostile.WRONG_NUMBERS,
        "criterion": hostile.WRONG_CHOICES,
        "source": hostile.WRONG_CHOICES,
    },
    "inspection": {
        "inspected_on": hostile.WRONG_DATES,
        "rectification_due": hostile.WRONG_DATES,
        "branch": hostile.WRONG_CHOICES,
        "campaign_year": hostile.WRONG_CHOICES,
    },
    "transfer": {"on": hostile.WRONG_DATES, "branch": hostile.WRONG_CHOICES},
    "champion": {"person": hostile.WRONG_CHOICES, "campaign_year": hostile.WRONG_CHOICES},
    "reading_list": {"books-TOTAL_FORMS": ["-1", "abc", "100000"], "published_on": hostile.WRONG_DATES},
}


@pytest.mark.parametrize("key", WRONG)
def test_wrong_types_are_refused_with_a_message(client, institute, key):
    case = FORMS[key]
    url = case.url(institute)
    login(client, institute, case.user)
    assert client.get(url).status_code == 200  # the page may set up defaults (a year's rubric)
    for field, values in WRONG[key].items():
        for value in values:
            before = database_state()
            response = post(client, url, {**case.data(institute), field: value})
            assert response.status_code == 200, f"{key}.{field} = {value!r}: accepted"
            assert database_state() == before, f"{key}.{field} = {value!r}: something changed"


def test_wrong_types_in_the_query_string_do_not_break_pages(client, institute):
    client.force_login(institute.office.user)
    for url in (
        reverse("activities:list"),
        reverse("activities:compliance"),
        reverse("branches:person_list"),
        reverse("supervision:inspection_list"),
        reverse("evaluations:suggestion_inbox"),
        reverse("pledges:list"),
    ):
        for value in ("\x00", "abc", "-1", "9" * 30, "<script>"):
            query = {
                "year": value,
                "branch": value,
                "kind": value,
                "q": value,
                "status": value,
                "page": value,
            }
            response = client.get(url, query)
            assert response.status_code in (200, 302, 404), (url, value, response.status_code)


def test_dates_outside_the_campaign_year_are_refused(client, institute):
    year = CampaignYear.objects.get(campaign=institute.campaign)
    client.force_login(institute.office.user)
    url = reverse("campaigns:year_edit", args=[year.pk])
    form = client.get(url).context["form"]
    data = {name: str(form.initial[name]) for name in form.fields if name in form.initial}
    phases = client.get(url).context["phases"]
    data.update({f"{phases.prefix}-{k}": v for k, v in phases.management_form.initial.items()})
    for n, phase_form in enumerate(phases.forms):
        data[f"{phases.prefix}-{n}-id"] = phase_form.instance.pk
        data[f"{phases.prefix}-{n}-starts_on"] = phase_form.instance.starts_on.isoformat()
        data[f"{phases.prefix}-{n}-ends_on"] = phase_form.instance.ends_on.isoformat()
    before = database_state()
    for value in ("2031-05-01", "1999-05-01"):
        response = client.post(url, {**data, "pledges_open_on": value})
        assert response.status_code == 200 and response.context["form"].errors, value
        response = client.post(url, {**data, f"{phases.prefix}-0-starts_on": value})
        assert response.status_code == 200, value
    assert database_state() == before


def test_record_dates_before_the_campaign_are_refused(client, institute):
    """0001-01-01 or a year typed wrong is refused with the date records start from; nothing is saved."""
    began = institute.campaign.started_on
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    client.force_login(institute.secretary.user)
    before = database_state()
    for value in ("0001-01-01", "1900-03-01", (began - datetime.timedelta(days=1)).isoformat()):
        response = post(client, url, {**news_report(institute), "held_on": value})
        assert response.status_code == 200, value
        errors = response.context["form"].errors["held_on"]
        assert errors == [f"日期早于创先争优活动开始的日期（{began.isoformat()}）：请登记此后的活动。"], value
    assert database_state() == before
    # The day the campaign began is accepted.
    record = activity_services.record_create(
        branch=institute.branch,
        kind=Kind.NEWS_REPORT,
        access=compute_access(institute.secretary.user),
        held_on=began,
        title="报道",
        published_in="所刊",
    )
    assert record.pk and record.held_on == began


def test_record_dates_without_a_campaign_go_back_a_year_at_most(institute):
    from django.core.exceptions import ValidationError

    from campaigns.models import Campaign

    Campaign.objects.filter(committee=institute.committee).update(committee=institute.other_committee)
    today = datetime.date(2026, 11, 1)
    create = lambda on: activity_services.record_create(  # noqa: E731
        branch=institute.branch,
        kind=Kind.NEWS_REPORT,
        access=compute_access(institute.secretary.user),
        held_on=on,
        title="报道",
        published_in="所刊",
        today=today,
    )
    with pytest.raises(ValidationError) as refused:
        create(datetime.date(2024, 12, 31))
    assert "2025-01-01" in refused.value.message_dict["held_on"][0]
    assert create(datetime.date(2025, 1, 1)).pk


def test_awards_actions_with_wrong_types_answer_404_not_500(client, institute):
    year = year_pk(institute)
    client.force_login(institute.office.user)
    for url, data in (
        (reverse("awards:notice", args=[year]), {"candidate": "abc", "text": "异议"}),
        (reverse("awards:candidate_add", args=[year]), {"title": "x", "line": "abc", "reason": "x"}),
        (reverse("awards:entries", args=[year]), {"item": "abc", "subject": "b-abc", "points": "x"}),
    ):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 404), (url, response.status_code)


# --- Files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, why", hostile.files())
def test_bad_evidence_files_are_refused(client, institute, name, content, why):
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    before = database_state()
    response = client.post(url, {**news_report(institute), "files": SimpleUploadedFile(name, content)})
    assert response.status_code == 200, why
    assert response.context["form"].errors["files"], why
    assert database_state() == before, why


def test_evidence_over_the_limit_is_refused(client, institute, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_SIZE", 1024)
    client.force_login(institute.secretary.user)
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    big = SimpleUploadedFile("big.pdf", hostile.PDF + b"0" * 2048)
    response = client.post(url, {**news_report(institute), "files": big})
    assert response.status_code == 200 and response.context["form"].errors["files"]
    assert not ActivityRecord.objects.exists()


def _upload(client, name, content):
    return client.post(
        reverse("branches:roster_import"),
        {"file": SimpleUploadedFile(name, content, content_type=roster.XLSX_CONTENT_TYPE)},
    )


def test_zip_bomb_roster_is_refused_before_unpacking(client, institute):
    client.force_login(institute.office.user)
    bomb = hostile.zip_bomb_xlsx(60)
    assert len(bomb) < roster.MAX_FILE_SIZE  # small enough to pass the upload limit
    before = database_state()
    response = _upload(client, "bomb.xlsx", bomb)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert database_state() == before


def test_roster_with_millions_of_blank_rows_stops_early(institute, monkeypatch):
    monkeypatch.setattr(roster.read, "MAX_SHEET_ROWS", 50)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([c.header for c in roster.COLUMNS])
    sheet.cell(row=200, column=1, value="E99999")  # 198 blank rows before it
    out = io.BytesIO()
    workbook.save(out)
    result = roster.roster_check(committee=institute.committee, file=io.BytesIO(out.getvalue()))
    assert [e.code for e in result.errors] == ["too_many_rows"]


@pytest.mark.parametrize("name, content", hostile.malformed_xlsx())
def test_malformed_roster_is_refused(client, institute, name, content):
    client.force_login(institute.office.user)
    before = database_state()
    response = _upload(client, name, content)
    assert response.status_code == 200 and response.context["form"].errors, name
    assert database_state() == before


def test_roster_wrong_extension_is_refused(client, institute):
    client.force_login(institute.office.user)
    response = _upload(client, "roster.csv", b"employee_no,name\n")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not RosterImport.objects.exists()


def test_roster_cells_with_control_characters_are_refused(institute, monkeypatch):
    from .test_roster import HEADERS, line, xlsx

    # openpyxl writes no control characters, but reads them back from the "_x0000_" escapes of a
    # hand-made shared-strings part: the sheet below stands for such a file.
    class Sheet:
        def reset_dimensions(self):
            pass

        def iter_rows(self):
            rows = [tuple(HEADERS), tuple(line(employee_no="E90001", name="张\x00三"))]
            return iter([tuple(SimpleNamespace(value=v, data_type="s") for v in row) for row in rows])

    class Workbook:
        worksheets = [Sheet()]

        def close(self):
            pass

    monkeypatch.setattr(roster.read, "_open_workbook", lambda file: Workbook())
    content = xlsx([line(employee_no="E90001")])
    result = roster.roster_check(committee=institute.committee, file=io.BytesIO(content))
    assert "control_characters" in [e.code for e in result.errors]
    assert not Person.objects.filter(employee_no="E90001").exists()


# --- CSV injection in every Excel export ---------------------------------------------------------


def test_formulas_are_neutralised_in_the_roster_export(client, institute):
    for n, formula in enumerate(hostile.FORMULAS):
        Person.objects.create(
            committee=institute.committee, employee_no=f"F{n:04d}", name=formula, post=formula
        )
    client.force_login(institute.office.user)
    response = client.get(reverse("branches:roster_export"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [
        cell.value
        for row in openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    for formula in hostile.FORMULAS:
        assert formula not in cells, formula
        assert "'" + formula in cells, formula
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_every_excel_writer_is_known_here():
    """openpyxl writers of the project; each is checked for formula neutralising above (the
    roster) or by its own tests (the reports app's one shared writer)."""
    import pathlib

    from django.conf import settings

    writers = sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in pathlib.Path(settings.BASE_DIR).glob("*/**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and "openpyxl.Workbook(" in path.read_text(encoding="utf-8")
    )
    assert set(writers) <= {"branches/roster/export.py", "reports/render/xlsx.py"}, writers


# --- Every form is guarded -----------------------------------------------------------------------


def test_every_form_of_the_project_is_guarded():
    """The text checks live in formguard's bases; a form that bypasses them is named here."""
    from django.conf import settings

    unguarded = []
    for app in apps.get_app_configs():
        if not app.path.startswith(str(settings.BASE_DIR)) or ".venv" in app.path:
            continue
        for module_name in ("forms", "roster_views", "views"):
            try:
                module = importlib.import_module(f"{app.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for name, obj in vars(module).items():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, django_forms.BaseForm)
                    and obj.__module__ == module.__name__
                    and not issubclass(obj, GuardedForm | GuardedModelForm)
                ):
                    unguarded.append(f"{module.__name__}.{name}")
    assert not unguarded, f"forms not derived from formguard's GuardedForm/GuardedModelForm: {unguarded}"


def test_texts_read_without_a_form_are_checked_too(client, institute):
    """The award actions read a reason from the request directly: a NUL byte is a message."""
    from awards import services as award_services
    from awards.models import ModelPost

    post = award_services.model_post_designate(
        person=institute.member,
        post_name="技术攻关岗",
        designated_on=datetime.date(2026, 1, 1),
        term_ends_on=datetime.date(2026, 12, 31),
        access=compute_access(institute.office.user),
    )
    client.force_login(institute.office.user)
    url = reverse("awards:model_post_action", args=[year_pk(institute), post.pk, "withdraw"])
    before = database_state()
    for value in hostile.REFUSED_TEXT.values():
        response = client.post(url, {"reason": value}, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"]), "no message"
    assert database_state() == before
    assert ModelPost.objects.get(pk=post.pk).withdrawn_on is None
