"""The download centre: ask for a report, watch it being written, download it.

Each user sees and downloads only the own files, and only while still holding the permission
of the report's data."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.mixins import AccessRequiredMixin
from core.queue import QUEUED_LATER

from . import registry, services
from .forms import LookupForm, RequestForm
from .models import ReportFile
from .workflow import READER, authorize
from .workflow import WORKFLOW as REPORTS_WORKFLOW

# Up to this many branches (or evaluations) within reach, their names are suggested from a
# datalist on the page; beyond, static/js/lookup.js asks ``LookupView`` as one types.
DATALIST_LIMIT = 100
SUGGESTED = 20


class Choices:
    """Choices of the request forms: one query per kind of choice and reach (reports whose
    permissions reach the same branches share their suggestions)."""

    def __init__(self, access, *, page=True):
        self.access = access
        self.page = page  # False when a form is only validated: nothing is suggested
        self.datalists: dict[str, list[str]] = {}
        self._lists: dict[tuple, str | None] = {}

    @cached_property
    def _years(self):
        return list(registry.years(self.access, "reports.request"))

    def years(self):
        several = len({y.campaign.committee_id for y in self._years}) > 1
        return [
            (y.pk, f"{y.year} · {y.campaign.committee.label}" if several else str(y.year))
            for y in self._years
        ]

    def year(self, pk):
        return next((y for y in self._years if y.pk == pk), None)

    def branches(self, permission):
        return registry.branches(self.access, permission)

    def evaluations(self, permission):
        return registry.evaluations(self.access, permission)

    def several_institutes(self, permission) -> bool:
        """Whether ``permission`` may reach more than one institute (then names may repeat)."""
        scopes = self.access.reach(permission)
        return any(kind == "all" for kind, _pk in scopes) or (
            len({pk for kind, pk in scopes if kind == "committee"}) > 1
        )

    def _datalist(self, kind, permission, load) -> str | None:
        """The id of the page's datalist of ``kind`` for ``permission``, or None when there are
        too many to list (or no page)."""
        if not self.page:
            return None
        key = (kind, frozenset(self.access.reach(permission)))
        if key not in self._lists:
            values = list(load())
            list_id = None
            if len(values) <= DATALIST_LIMIT:
                list_id = f"{kind}-choices-{len(self._lists)}"
                self.datalists[list_id] = list(dict.fromkeys(values))
            self._lists[key] = list_id
        return self._lists[key]

    def branch_list(self, permission):
        return self._datalist(
            "branch",
            permission,
            lambda: self.branches(permission).values_list("name", flat=True)[: DATALIST_LIMIT + 1],
        )

    def evaluation_list(self, permission):
        return self._datalist(
            "evaluation",
            permission,
            lambda: self.evaluation_values(self.evaluations(permission), permission, DATALIST_LIMIT + 1),
        )

    def evaluation_values(self, evaluations, permission, limit) -> list[str]:
        rows = evaluations.select_related("committee").only(
            "title", "committee__name", "committee__short_name"
        )[:limit]
        if self.several_institutes(permission):
            return [f"{e.title}（{e.committee.label}）" for e in rows]
        return [e.title for e in rows]

    def suggestions(self, field, permission, q, year=None) -> list[str]:
        """At most ``SUGGESTED`` names containing ``q``, shortest first (the closest match)."""
        if field == "branch":
            branches = self.branches(permission).filter(name__icontains=q)
            year = self.year(year)
            if year is not None:
                branches = branches.filter(committee_id=year.campaign.committee_id)
            names = branches.order_by(Length("name"), "name").values_list("name", flat=True)
            return list(dict.fromkeys(names[: SUGGESTED * 3]))[:SUGGESTED]
        evaluations = self.evaluations(permission).filter(title__icontains=q).order_by("-closes_on", "title")
        return self.evaluation_values(evaluations, permission, SUGGESTED)


def own_files(user):
    return ReportFile.objects.filter(requested_by=user)


class CentreView(AccessRequiredMixin, TemplateView):
    permission = "reports.request"
    template_name = "reports/centre.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = Choices(self.access)
        context["forms"] = kwargs.get("forms") or [
            RequestForm(report=r, choices=choices) for r in registry.available(self.access)
        ]
        context["datalists"] = choices.datalists
        page = Paginator(own_files(self.request.user).order_by("-requested_at", "-pk"), 20).get_page(
            self.request.GET.get("page")
        )
        context["page"] = page
        context["now"] = timezone.now()
        context["pdf_limit"] = registry.PDF_ROW_LIMIT
        return context


class RequestView(AccessRequiredMixin, View):
    permission = "reports.request"

    def post(self, request, kind):
        try:
            report = registry.get(kind)
        except ValidationError:
            raise Http404 from None
        authorize(self.access, report, "request")  # the service asks again, under its transaction
        form = RequestForm(request.POST, report=report, choices=Choices(self.access, page=False))
        if form.is_valid():
            try:
                report_file = services.report_request(
                    access=self.access, kind=kind, fmt=form.cleaned_data["format"], params=form.params()
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                dispatch = getattr(report_file, "dispatch", None)  # None: the same request was waiting
                if dispatch is not None and dispatch.deferred:
                    messages.warning(request, QUEUED_LATER)
                else:
                    messages.success(
                        request,
                        _("“%(title)s” is being generated; it appears below when ready.")
                        % {"title": report_file.title},
                    )
                return redirect(reverse("reports:centre") + f"#file-{report_file.pk}")
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{report.title} · {label}：{error}" if label else error)
        return redirect("reports:centre")


class StatusView(AccessRequiredMixin, View):
    """The state of one of the user's files, for the progress display (JSON)."""

    permission = "reports.request"

    def get(self, request, pk):
        f = get_object_or_404(own_files(request.user), pk=pk)
        return JsonResponse(
            {
                "state": f.state_now,
                "state_label": f.state_label,
                "percent": f.percent,
                "progress": f.progress,
                "total": f.total,
                "error": f.error_now,
                "download": reverse("reports:download", args=[f.pk])
                if f.state == ReportFile.State.DONE
                else None,
            }
        )


class DownloadView(AccessRequiredMixin, View):
    permission = "reports.request"

    def get(self, request, pk):
        f = get_object_or_404(own_files(request.user), pk=pk, state=ReportFile.State.DONE)
        report = registry.REPORTS.get(f.kind)
        # Only while the reader may still see the report's data (else as if it were not there).
        if report is None or READER not in REPORTS_WORKFLOW.parts(self.access, report):
            raise Http404
        if f.expires_at and f.expires_at <= timezone.now():
            raise Http404
        try:
            handle = f.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=f.download_name)


class LookupView(AccessRequiredMixin, View):
    """Names suggested for a branch or an evaluation typed into a request form (JSON, for
    static/js/lookup.js): only those the report's permission reaches, as ``pick`` accepts them."""

    permission = "reports.request"

    def get(self, request, kind, field):
        report = registry.REPORTS.get(kind)
        if report is None or field not in ("branch", "evaluation") or field not in report.needs:
            raise Http404
        authorize(self.access, report, "request")
        form = LookupForm(request.GET)
        results = []
        if form.is_valid() and form.cleaned_data["q"].strip():
            choices = Choices(self.access, page=False)
            q = " ".join(form.cleaned_data["q"].split())
            results = choices.suggestions(field, report.permission, q, form.cleaned_data["year"])
        return JsonResponse({"results": results})
