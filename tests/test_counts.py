"""core.counts: several counts of a page in one query, equal to counting each alone."""

from branches.models import Branch, Person
from core.counts import Counts, counted


def test_counts_equal_separate_counts_in_one_query(institute, django_assert_num_queries):
    querysets = {
        "branches": Branch.objects.all(),
        "active_in_committee": Branch.objects.active().filter(committee=institute.committee),
        "members": Person.objects.filter(branch__isnull=False),
        "nobody": Person.objects.filter(pk__in=[]).exclude(name=""),
        "ordered_and_joined": Person.objects.filter(branch__committee=institute.committee).order_by("-name"),
    }
    expected = {name: qs.count() for name, qs in querysets.items()}
    assert expected["branches"] > expected["active_in_committee"] > 0
    counts = Counts()
    for name, qs in querysets.items():
        counts.add(name, qs)
    counts.then(lambda n: {"sum": n["branches"] + n["members"]})
    with django_assert_num_queries(1):
        context = counts.run()
    assert context == {**expected, "sum": expected["branches"] + expected["members"]}


def test_nothing_to_count_costs_no_query(db, django_assert_num_queries):
    counts = Counts()
    counts.add("none", Person.objects.none())
    counts.add("empty_scope", Person.objects.filter(pk__in=[]))
    with django_assert_num_queries(0):
        assert Counts().run() == {}
        assert counts.run() == {"none": 0, "empty_scope": 0}


def test_counted_section_runs_its_own_counts_when_called_alone(institute, django_assert_num_queries):
    @counted
    def section(*, counts, committee):
        counts.add("branches", Branch.objects.filter(committee=committee))
        return {"shown": True}

    with django_assert_num_queries(1):
        alone = section(committee=institute.committee)
    assert alone == {"shown": True, "branches": Branch.objects.filter(committee=institute.committee).count()}
    shared = Counts()
    with django_assert_num_queries(0):
        assert section(committee=institute.committee, counts=shared) == {"shown": True}
    assert shared.run()["branches"] == alone["branches"]
