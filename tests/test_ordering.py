"""Chinese ordinal names sort by number: 第一, 第二, 第三 … 第十一 (not 第一, 第三, 第二 as the
characters' code points would), in lists, selects and reports (core.ordering)."""

import pytest
from django.urls import reverse

from branches.models import Branch, Department, GeneralBranch, PartyGroup
from core.ordering import chinese_number, name_key

from .factories import BranchFactory, DepartmentFactory, GeneralBranchFactory, PartyGroupFactory

ORDINALS = ["第一", "第二", "第三", "第九", "第十", "第十一", "第十九", "第二十", "第二十一", "第一百零五"]


@pytest.mark.parametrize(
    "text, value",
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十一", 21),
        ("一百零五", 105),
        ("两千", 2000),
        ("二〇一〇", 2010),
    ],
)
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_keys_sort_ordinals_by_number_and_leave_other_names_alone():
    shuffled = sorted(ORDINALS)  # code-point order: 第一, 第一百零五, 第九, 第二 …
    assert shuffled != ORDINALS
    assert sorted(shuffled, key=name_key) == ORDINALS
    assert sorted(["离退休第10支部", "离退休第2支部"], key=name_key) == ["离退休第2支部", "离退休第10支部"]
    assert name_key("机关党支部") == "机关党支部"


@pytest.mark.django_db
def test_units_are_listed_in_number_order(institute):
    names = [f"{o}党支部" for o in ORDINALS]
    for name in reversed(names):
        BranchFactory(committee=institute.committee, general_branch=None, name=f"甲{name}")
    listed = [b.name for b in Branch.objects.filter(name__startswith="甲")]
    assert listed == [f"甲{n}" for n in names]
    for name in ("第三党总支", "第十一党总支", "第二党总支"):
        GeneralBranchFactory(committee=institute.committee, name=name)
    assert [g.name for g in GeneralBranch.objects.filter(committee=institute.committee)] == [
        "第一党总支",
        "第二党总支",
        "第三党总支",
        "第十一党总支",
    ]
    for name in ("第三党小组", "第十党小组", "第二党小组"):
        PartyGroupFactory(branch=institute.branch, name=name)
    assert [g.name for g in PartyGroup.objects.filter(branch=institute.branch)] == [
        "第一党小组",
        "第二党小组",
        "第三党小组",
        "第十党小组",
    ]
    for name in ("第三事业部", "第十二事业部", "第二事业部"):
        DepartmentFactory(committee=institute.committee, name=name)
    assert [
        d.name for d in Department.objects.filter(committee=institute.committee, name__endswith="事业部")
    ] == ["第一事业部", "第二事业部", "第三事业部", "第十二事业部"]
    # A renamed unit moves to its new place: the key follows the name on every save.
    branch = Branch.objects.get(name="甲第一党支部")
    branch.name = "甲第十二党支部"
    branch.save()
    listed = [b.name for b in Branch.objects.filter(name__startswith="甲")]
    assert listed.index("甲第十二党支部") == listed.index("甲第十一党支部") + 1


@pytest.mark.django_db
def test_the_branch_list_page_is_in_number_order(client, institute):
    for name in ("第三党支部", "第十一党支部"):
        BranchFactory(committee=institute.committee, general_branch=institute.gb, name=name)
    client.force_login(institute.office.user)
    page = client.get(reverse("branches:branch_list")).content.decode()
    positions = [page.index(n) for n in ("第一党支部", "第二党支部", "第三党支部", "第十一党支部")]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_report_branch_choices_and_the_branch_tree_are_in_number_order(institute):
    from accounts.access import compute_access
    from reports.registry import branches

    for name in ("第十一党支部", "第三党支部"):
        BranchFactory(committee=institute.committee, general_branch=institute.gb, name=name)
    names = [b.name for b in branches(compute_access(institute.office.user), "pledges.view")]
    in_gb = [n for n in names if n in {"第一党支部", "第二党支部", "第三党支部", "第十一党支部"}]
    assert in_gb == ["第一党支部", "第二党支部", "第三党支部", "第十一党支部"]
    tree = Branch.objects.filter(general_branch=institute.gb).order_by(*Branch.TREE_ORDER)
    assert [b.name for b in tree if b.name in in_gb] == in_gb
