"""The administrator's own history pages (Django admin "历史", django-simple-history's admin through
core.admin.AuditedAdmin) show the changes in words, as the app's history does (core.audit.Namer):
people, branches and general branches by name, choices by label, who changed it by name; never
ids or codes. A page costs the same queries however many changes it lists."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import compute_access
from branches.models import BranchCategory
from supervision import services
from supervision.models import Inspection

from .test_supervision_support import inspect, pdf

pytestmark = pytest.mark.django_db


def changes_on(response) -> list[str]:
    """Each change of the page as "field: old → new", in plain text."""
    body = response.content.decode()
    items = re.findall(r"<li>\s*<strong>(.*?)</li>", body, flags=re.S)
    text = [html.unescape(re.sub(r"<[^>]+>", "", item)).replace("\xa0", " ") for item in items]
    return [re.sub(r"\s+", " ", t).strip() for t in text]


def test_admin_history_names_people_branches_and_choices(client, institute):
    secretary = institute.secretary
    inspection = inspect(institute, institute.branch, due=timezone.localdate() + datetime.timedelta(days=7))
    services.inspection_reply(
        access=compute_access(secretary.user), inspection=inspection, reply="已补齐记录", files=[pdf()]
    )
    branch = institute.other_branch
    branch.general_branch = institute.gb
    branch.category = BranchCategory.BUSINESS
    branch.save()
    branch.departments.add(institute.department)

    client.force_login(institute.admin)
    with translation.override("zh-hans"):
        replied, business, administration = (
            str(Inspection.Status.REPLIED.label),
            str(BranchCategory.BUSINESS.label),
            str(BranchCategory.ADMINISTRATION.label),
        )
    page = client.get(reverse("admin:supervision_inspection_history", args=[inspection.pk]))
    assert page.status_code == 200
    changes = changes_on(page)
    reply = next(c for c in changes if c.endswith(f"→ {secretary.name}"))
    assert reply.endswith(f": — → {secretary.name}")  # the one who answered, by name
    assert any(c.endswith(f"→ {replied}") for c in changes), changes  # the status by its label
    assert not any(re.search(r"(: |→ )(\d+|replied|open)$", c) for c in changes), changes
    # Who made the change: the person's name, not the login.
    assert secretary.name in page.content.decode()

    page = client.get(reverse("admin:branches_branch_history", args=[branch.pk]))
    changes = changes_on(page)
    assert f"— → {institute.gb.name}" in " ".join(changes), changes
    assert f"{administration} → {business}" in " ".join(changes), changes
    assert f"— → {institute.department.name}" in " ".join(changes), changes  # many-to-many, by name
    assert not any(re.search(r"\d+$|business$", c) for c in changes), changes


def test_admin_history_page_costs_the_same_queries_however_long(client, institute):
    branch = institute.other_branch
    client.force_login(institute.admin)
    url = reverse("admin:branches_branch_history", args=[branch.pk])

    def queries(changes):
        for i in range(changes):
            branch.general_branch = institute.gb if branch.general_branch_id is None else None
            branch.category = list(BranchCategory.values)[i % 4]
            branch.save()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(2) == queries(8)
