"""Results of a closed mass evaluation, with the same rules as its page: nothing for a target
below the evaluation's minimum of ballots, only approved comments, no trace of any voter."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import Satisfaction
from evaluations.selectors import evaluation_results, targets_for, turnout

from ..registry import Params, Report, register
from ..table import Column, Section, Table, Type


@register
class EvaluationResults(Report):
    key = "evaluation_results"
    title = gettext_lazy("Evaluation results")
    description = gettext_lazy(
        "The answers to each question for every branch and member evaluated, where enough ballots were cast."
    )
    permission = "evaluations.results"
    needs = ("evaluation",)

    def title_for(self, params: Params) -> str:
        return _("Results of %(title)s") % {"title": params.evaluation.title}

    def _targets(self, access, params):
        return targets_for(access, self.permission, params.evaluation)

    def count(self, access, params: Params) -> int:
        return self._targets(access, params).count() * (params.evaluation.criteria.count() + 2)

    def table(self, access, params: Params) -> Table:
        evaluation = params.evaluation
        results = evaluation_results(evaluation=evaluation, targets=self._targets(access, params))
        options = Satisfaction.choices
        hidden = _("Fewer than %(n)s ballots: not shown") % {"n": evaluation.min_ballots}

        def rows():
            for result in results:
                heading = _("%(target)s · %(n)s ballots") % {"target": result.target, "n": result.ballots}
                yield (Section(heading),)
                if not result.shown:
                    yield (str(result.target), hidden, *[None] * len(options), None)
                    continue
                for c in result.criteria:
                    yield (
                        str(result.target),
                        c.criterion.text,
                        *[c.counts.get(v, 0) for v, _l in options],
                        c.rate,
                    )
                yield (str(result.target), _("All questions"), *[None] * len(options), result.rate)
                for comment in result.comments:
                    yield (
                        str(result.target),
                        _("Comment: %(text)s") % {"text": comment.text},
                        *[None] * len(options),
                        None,
                    )

        t = turnout(evaluation)
        return Table(
            title=self.title_for(params),
            subtitle=[
                f"{evaluation.opens_on.isoformat()} – {evaluation.closes_on.isoformat()}",
                _("Turnout: %(voted)s of %(eligible)s") % t,
            ],
            columns=[
                Column(_("Evaluated"), width=20),
                Column(_("Question"), width=30),
                *[Column(str(label), Type.INT, 8) for _v, label in options],
                Column(_("Satisfaction rate"), Type.PERCENT, 10),
            ],
            rows=rows(),
            count=self.count(access, params),
            landscape=True,
        )
