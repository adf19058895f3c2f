"""core.counts.Counts.rows: a page's short lists read in the statement of its counts give what
each queryset gives alone: the same instances, fields and related objects, values, order."""

import datetime

from django.db.models import Count

from branches.models import Branch, Person
from core.counts import Counts
from reports.models import ReportFile


def _fields(obj):
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_lists_equal_each_queryset_alone_in_one_query(institute, django_assert_num_queries):
    user = institute.office.user
    for n in range(3):
        ReportFile.objects.create(
            requested_by=user,
            kind="score_sheet",
            format="xlsx",
            params={"year": n, "名": ["甲", None]},
            title=f"表{n}",
        )
    Person.objects.filter(pk=institute.member.pk).update(joined_party_on=datetime.date(2001, 7, 1))
    querysets = {
        "files": ReportFile.objects.filter(requested_by=user).order_by("-pk")[:2],
        "branches": Branch.objects.filter(committee=institute.committee)
        .select_related("general_branch")
        .annotate(member_count=Count("members"))
        .order_by("-name_key"),
        "people": Person.objects.filter(branch__isnull=False)
        .order_by("pk")
        .values_list("pk", "joined_party_on"),
        "names": Person.objects.filter(branch=institute.branch)
        .order_by("name")
        .values_list("name", flat=True),
        "nothing": Branch.objects.none(),
    }
    expected = {name: list(qs) for name, qs in querysets.items()}
    assert len(expected["files"]) == 2 and expected["files"][0].params["名"] == ["甲", None]
    counts = Counts()
    counts.add("branch_count", Branch.objects.all())
    for name, qs in querysets.items():
        counts.rows(name, qs)
    counts.then(lambda n: {"first_file": n["files"][0].title})
    with django_assert_num_queries(1):
        context = counts.run()
    assert context["branch_count"] == Branch.objects.count()
    assert context["first_file"] == "表2"
    assert [_fields(f) for f in context["files"]] == [_fields(f) for f in expected["files"]]
    assert [
        (_fields(b), _fields(b.general_branch) if b.general_branch else None) for b in context["branches"]
    ] == [(_fields(b), _fields(b.general_branch) if b.general_branch else None) for b in expected["branches"]]
    for name in ("people", "names", "nothing"):
        assert context[name] == expected[name]
    with django_assert_num_queries(0):  # loaded with the list
        assert [b.general_branch for b in context["branches"]]
