"""Score sheets of a year's scoring run: one row per branch or member with a column per
criterion (the summary table of the institute), and the items criterion by criterion."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import BranchCriterion, MemberCriterion, ScoreItem, ScoringRun, Subject
from awards.selectors import current_run, general_branch_lines, lines_for
from branches.models import BranchCategory

from ..registry import Params, Report, register
from ..table import Column, Section, Table, Type

CHUNK = 500  # rows fetched at a time from the database cursor


def _run(params: Params) -> ScoringRun:
    run = current_run(params.year)
    if run is None or run.computed_at is None:
        raise ValidationError(_("There are no scores for %(year)s yet.") % {"year": params.year.year})
    return run


def _lines(access, params: Params):
    lines = lines_for(access, _run(params)).filter(kind=params.subject)
    if params.branch is not None:
        lines = lines.filter(branch=params.branch)
    return lines


def _status(run: ScoringRun) -> str:
    return _("approved") if run.status == ScoringRun.Status.APPROVED else _("draft, not yet approved")


def _criteria(subject: str):
    return BranchCriterion.choices if subject == Subject.BRANCH else MemberCriterion.choices


def _criterion_points(code: str):
    """The points of one criterion in a line: items add, deductions subtract, vetoes count 0."""
    signed = Case(
        When(items__source="deduction", then=-F("items__points")),
        When(items__source="veto", then=Value(Decimal("0"))),
        default=F("items__points"),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )
    return Coalesce(
        Sum(signed, filter=Q(items__criterion=code)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


class _ScoreReport(Report):
    permission = "scoring.view"
    needs = ("year", "subject", "branch")

    def check(self, access, params: Params) -> None:
        _run(params)

    def count(self, access, params: Params) -> int:
        return _lines(access, params).count()


@register
class ScoreSheet(_ScoreReport):
    key = "score_sheet"
    title = gettext_lazy("Score sheet")
    description = gettext_lazy(
        "One row per branch or member: points under each criterion, the evaluation, the total and the rank."
    )

    def title_for(self, params: Params) -> str:
        who = _("branches") if params.subject == Subject.BRANCH else _("members")
        return _("Score sheet of %(who)s, %(year)s") % {"who": who, "year": params.year.year}

    def table(self, access, params: Params) -> Table:
        run = _run(params)
        criteria = _criteria(params.subject)
        lines = (
            _lines(access, params)
            .annotate(**{f"c_{code}": _criterion_points(code) for code, _label in criteria})
            .values_list(
                "rank",
                "person__name",
                "branch__name",
                "category",
                *[f"c_{code}" for code, _label in criteria],
                "rubric_points",
                "rubric_max",
                "rubric_percent",
                "eval_mean",
                "total",
                "eligible",
            )
            .order_by("category", F("rank").asc(nulls_last=True), "branch__name_key", "person__name")
        )
        member = params.subject == Subject.MEMBER
        categories = {value: str(label) for value, label in BranchCategory.choices}  # translated once
        yes, no = _("yes"), _("no")

        general_branches = self._general_branch_lines(access, params, run)

        def rows():
            # Small chunks: a chunk of rows is the largest thing in memory while the file is written.
            for rank, person, branch, category, *figures, eligible in lines.iterator(chunk_size=CHUNK):
                head = (rank, person, branch) if member else (rank, branch)
                yield (*head, categories.get(category, category), *figures, yes if eligible else no)
            if general_branches:
                # 先进党总支 ranks on the mean of its branches' scores: no criterion columns of its own.
                yield (Section(_("General branches · the mean of their branches' scores")),)
                blanks = (None,) * (len(criteria) + 4)
                for line in general_branches:
                    category = categories.get(line.category, line.category)
                    yield (
                        line.rank,
                        line.general_branch.name,
                        category,
                        *blanks,
                        line.total,
                        yes if line.eligible else no,
                    )

        columns = [
            Column(_("Rank"), Type.INT, 6),
            *(
                [Column(_("Name"), width=16), Column(_("Branch"), width=24)]
                if member
                else [Column(_("Branch"), width=24)]
            ),
            Column(_("Category"), width=14),
            *[Column(str(label), Type.DECIMAL, 9) for _code, label in criteria],
            Column(_("Rubric points"), Type.DECIMAL, 9),
            Column(_("Rubric maximum"), Type.DECIMAL, 9),
            Column(_("Rubric %"), Type.PERCENT, 8),
            Column(_("Evaluation"), Type.DECIMAL, 9),
            Column(_("Score"), Type.DECIMAL, 8),
            Column(_("Eligible"), width=6),
        ]
        return Table(
            title=self.title_for(params),
            subtitle=[
                params.year.campaign.committee.name,
                _("Scoring run: %(status)s") % {"status": _status(run)},
            ],
            columns=columns,
            rows=rows(),
            count=self.count(access, params) + (len(general_branches) + 1 if general_branches else 0),
            landscape=True,
        )

    @staticmethod
    def _general_branch_lines(access, params: Params, run: ScoringRun):
        """The general branches' lines the reader reaches, for the sheet of branches of the whole
        institute (not of one branch, nor of members)."""
        if params.subject != Subject.BRANCH or params.branch is not None:
            return []
        return general_branch_lines(access, run, with_own_items=False)  # the sheet shows scores only


@register
class ScoreItems(_ScoreReport):
    key = "score_items"
    title = gettext_lazy("Score details")
    description = gettext_lazy(
        "Each branch or member criterion by criterion, with every item, its points and why."
    )

    def title_for(self, params: Params) -> str:
        who = (
            params.branch.name
            if params.branch
            else (_("branches") if params.subject == Subject.BRANCH else _("members"))
        )
        return _("Score details of %(who)s, %(year)s") % {"who": who, "year": params.year.year}

    def count(self, access, params: Params) -> int:
        lines = _lines(access, params)
        return lines.count() + ScoreItem.objects.filter(line__in=lines).count()

    def table(self, access, params: Params) -> Table:
        run = _run(params)
        lines = _lines(access, params)
        items = (
            ScoreItem.objects.filter(line__in=lines)
            .select_related("line__branch", "line__person")
            .order_by(
                "line__branch__sort_order",
                "line__branch__name_key",
                "line__person__name",
                "line_id",
                "sort_order",
                "pk",
            )
        )
        sources = {"deduction": _("deduction"), "veto": _("veto")}

        def rows():
            current = None
            for item in items.iterator(chunk_size=2000):
                line = item.line
                if line.pk != current:
                    current = line.pk
                    name = f"{line.person.name} · {line.branch.name}" if line.person_id else line.branch.name
                    yield (
                        Section(
                            _("%(name)s — score %(total)s, rank %(rank)s")
                            % {"name": name, "total": line.total, "rank": line.rank or "—"}
                        ),
                    )
                yield (
                    item.criterion_label,
                    item.goal_label,
                    item.name,
                    str(sources.get(item.source, "")),
                    -item.points if item.source == "deduction" else item.points,
                    item.max_points if item.source not in sources else None,
                    item.explanation,
                )

        return Table(
            title=self.title_for(params),
            subtitle=[
                params.year.campaign.committee.name,
                _("Scoring run: %(status)s") % {"status": _status(run)},
            ],
            columns=[
                Column(_("Criterion"), width=16),
                Column(_("Goal"), width=14),
                Column(_("Item"), width=30),
                Column(_("Kind"), width=8),
                Column(_("Points"), Type.DECIMAL, 8),
                Column(_("Maximum"), Type.DECIMAL, 8),
                Column(_("Explanation"), width=40),
            ],
            rows=rows(),
            count=self.count(access, params),
            landscape=True,
        )
