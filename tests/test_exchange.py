"""部门横向交流 (第五阶段): articles published by the office or a branch, read by the staff, marked
for the 交流会 by the office, and the 交流会 recorded with its articles and attendees."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from exchange import services
from exchange.models import Article, ExchangeMeeting

from .test_exchange_support import PDF, exchange_world

ROLES = ["staff", "member", "secretary", "gb_secretary", "other_secretary", "office", "leader", "admin"]
GRID = [
    ("exchange:list", lambda x: [], dict.fromkeys(ROLES, 200)),
    (
        "exchange:create",
        lambda x: [],
        {**dict.fromkeys(("secretary", "gb_secretary", "other_secretary", "office"), 200)},
    ),
    ("exchange:detail", lambda x: [x.article.pk], dict.fromkeys(ROLES, 200)),
    ("exchange:detail", lambda x: [x.foreign_article.pk], {**dict.fromkeys(ROLES, 404), "admin": 200}),
    ("exchange:file", lambda x: [x.article_file.pk], dict.fromkeys(ROLES, 200)),
    ("exchange:meeting_create", lambda x: [], {"office": 200}),
    ("exchange:meeting", lambda x: [x.meeting.pk], dict.fromkeys(ROLES, 200)),
    # An action: GET is no page for anyone (the POST is refused below).
    ("exchange:mark", lambda x: [x.article.pk], dict.fromkeys(ROLES, 405)),
]


@pytest.mark.parametrize("name, args, expected", GRID, ids=[f"{g[0]}-{n}" for n, g in enumerate(GRID)])
def test_permission_grid(client, institute, users, name, args, expected):
    x = exchange_world(institute)
    for role in ROLES:
        client.force_login(users[role])
        assert client.get(reverse(name, args=args(x))).status_code == expected.get(role, 403), role
    client.logout()
    assert client.get(reverse(name, args=args(x))).status_code == 302


def test_every_url_is_in_the_grid():
    from exchange.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {g[0].split(":")[1] for g in GRID}


def test_secretary_publishes_for_own_branch_staff_read(client, institute):
    client.force_login(institute.secretary.user)
    page = client.get(reverse("exchange:create")).content.decode()
    assert institute.branch.name in page and "创先争优活动办公室" not in page  # not the office's
    assert institute.other_branch.name not in page
    data = {"on_behalf_of": institute.branch.pk, "title": "党小组学习法", "body": "每周一次。"}
    response = client.post(reverse("exchange:create"), {**data, "files": SimpleUploadedFile("方法.pdf", PDF)})
    article = Article.objects.get()
    assert response.status_code == 302 and article.branch == institute.branch and article.files.count() == 1
    assert article.history.get().history_user == institute.secretary.user
    # Another branch cannot be chosen by a forged POST.
    response = client.post(reverse("exchange:create"), {**data, "on_behalf_of": institute.other_branch.pk})
    assert response.status_code == 200 and Article.objects.count() == 1
    # Staff read it, with its file.
    client.force_login(institute.staff.user)
    page = client.get(reverse("exchange:detail", args=[article.pk])).content.decode()
    assert "党小组学习法" in page and "方法.pdf" in page and 'data-testid="mark"' not in page


def test_bad_input_keeps_what_was_typed(client, institute):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("exchange:create"), {"on_behalf_of": "office", "title": "好经验", "body": "  "}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "好经验" in page and not Article.objects.exists()
    response = client.post(
        reverse("exchange:create"),
        {
            "on_behalf_of": "office",
            "title": "好经验",
            "body": "正文",
            "files": SimpleUploadedFile("x.exe", b"MZ"),
        },
    )
    assert response.status_code == 200 and not Article.objects.exists()
    # A meeting without articles or attendees: messages, nothing recorded.
    response = client.post(reverse("exchange:meeting_create"), {"title": "交流会", "held_on": "2026-06-01"})
    assert response.status_code == 200 and "交流会" in response.content.decode()
    assert not ExchangeMeeting.objects.exists()


def test_office_marks_and_records_the_meeting(client, institute):
    x = exchange_world(institute)
    with pytest.raises(PermissionDenied):
        services.article_mark(
            access=compute_access(institute.secretary.user), article=x.article, for_meeting=True
        )
    client.force_login(institute.staff.user)
    assert client.post(reverse("exchange:mark", args=[x.article.pk]), {"mark": "1"}).status_code == 403
    x.article.refresh_from_db()
    assert not x.article.for_meeting and x.article.history.count() == 1
    client.force_login(institute.office.user)
    client.post(reverse("exchange:mark", args=[x.branch_article.pk]), {"mark": "1"})
    x.branch_article.refresh_from_db()
    assert x.branch_article.for_meeting and x.branch_article.marked_by == institute.office.user
    # The meeting form proposes the marked articles.
    page = client.get(reverse("exchange:meeting_create")).content.decode()
    boxes = [t for t in re.findall(r"<input[^>]*>", page) if 'name="articles"' in t]
    checked = {t for t in boxes if "checked" in t}
    assert any(f'value="{x.branch_article.pk}"' in t for t in checked)
    assert not any(f'value="{x.article.pk}"' in t for t in checked)
    page = client.get(reverse("exchange:meeting", args=[x.meeting.pk])).content.decode()
    assert "课题攻关中的党员先锋岗" in page and "第一党支部、第二党支部；江波" in page
    client.post(reverse("exchange:mark", args=[x.branch_article.pk]), {"mark": "0"})
    x.branch_article.refresh_from_db()
    assert not x.branch_article.for_meeting and x.branch_article.history.count() == 3
    with pytest.raises(ValidationError):  # a meeting ahead of its date
        services.meeting_record(
            access=compute_access(institute.office.user), committee_id=institute.committee.pk, title="会",
            held_on=datetime.date(2026, 7, 1), articles=[x.article], branches=[institute.branch],
            today=datetime.date(2026, 6, 2),
        )  # fmt: skip
    with pytest.raises(ValidationError):  # another institute's article
        services.meeting_record(
            access=compute_access(institute.office.user), committee_id=institute.committee.pk, title="会",
            held_on=datetime.date(2026, 6, 1), articles=[x.foreign_article], branches=[institute.branch],
            today=datetime.date(2026, 6, 2),
        )  # fmt: skip


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_cost_a_fixed_number_of_queries(client, institute):
    x = exchange_world(institute)
    client.force_login(institute.office.user)
    urls = [
        reverse("exchange:list"),
        reverse("exchange:detail", args=[x.article.pk]),
        reverse("exchange:meeting", args=[x.meeting.pk]),
        reverse("exchange:meeting_create"),
    ]
    for url in urls:
        _count(client, url)
    before = [_count(client, url) for url in urls]
    more = exchange_world(institute)
    services.article_mark(access=compute_access(institute.office.user), article=x.article, for_meeting=True)
    services.meeting_record(
        access=compute_access(institute.office.user), committee_id=institute.committee.pk, title="再次交流",
        held_on=datetime.date(2026, 6, 1), articles=[x.article, more.article, more.branch_article],
        branches=[institute.branch], today=datetime.date(2026, 6, 2),
    )  # fmt: skip
    assert [_count(client, url) for url in urls] == before
