"""The download centre: ask for a report, watch it being written, download it.

Each user sees and downloads only the own files, and only while still holding the permission
of the report's data."""

from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import AccessRequiredMixin
from accounts.queue import QUEUED_LATER

from . import registry, services
from .forms import RequestForm
from .models import ReportFile


class Choices:
    """Choices of the request forms, one query per kind of choice and permission."""

    def __init__(self, access):
        self.access = access

    @cache  # noqa: B019 (one short-lived instance per request)
    def years(self):
        return [(y.pk, str(y.year)) for y in registry.years(self.access, "reports.request")]

    @cache  # noqa: B019
    def branches(self, permission):
        return [(b.pk, b.name) for b in registry.branches(self.access, permission)]

    @cache  # noqa: B019
    def evaluations(self, permission):
        return [(e.pk, e.title) for e in registry.evaluations(self.access, permission)]


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
        if not self.access.has(report.permission):
            raise PermissionDenied
        form = RequestForm(request.POST, report=report, choices=Choices(self.access))
        if form.is_valid():
            try:
                report_file = services.report_request(
                    actor=request.user,
                    kind=kind,
                    fmt=form.cleaned_data["format"],
                    params=form.params(),
                    access=self.access,
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
                "state": f.state,
                "state_label": f.get_state_display(),
                "percent": f.percent,
                "progress": f.progress,
                "total": f.total,
                "error": f.error,
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
        if report is None or not self.access.has(report.permission):
            raise Http404
        if f.expires_at and f.expires_at <= timezone.now():
            raise Http404
        try:
            handle = f.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=f.download_name)
