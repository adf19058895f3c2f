"""扫码签到: the secretary's sign-in page of a meeting (QR code, short code, arrivals polled every
few seconds, leave by hand, closing), and the member's page reached by the QR code or the code.
Writes go through ``activities.signin``; refusals come from the workflow."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, signin
from ..forms import SignInCodeForm, SignInLeaveForm
from ..models import ATTENDANCE_KINDS, ActivityRecord, AttendanceStatus, SignInWindow


def sign_in_url(request, code: str) -> str:
    """The address the QR code holds: the configured site address (SITE_URL), not the request's
    Host header, which a client chooses; the request's only where none is configured."""
    path = reverse("activities:signin", args=[code])
    site = getattr(settings, "SITE_URL", "")
    return f"{site}{path}" if site else request.build_absolute_uri(path)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG, drawn here (segno): no outside service sees the address."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True))  # noqa: S308


def arrivals(record, window) -> dict:
    """Each person of the meeting with how they stand: signed in (at), on leave (why), absent, or
    not yet. A fixed number of queries: the people, their attendance and the window's sign-ins."""
    people = signin.expected_people(record)
    attendance = {a.person_id: a for a in record.attendance.all()}
    signed = {s.person_id: s for s in window.sign_ins.all()} if window else {}
    rows = []
    for person in people:
        row = attendance.get(person.pk)
        rows.append(
            {
                "person": person,
                "signed": signed.get(person.pk),
                "status": row.status if row else "",
                "status_label": row.get_status_display() if row else _("Not yet"),
                "reason": row.reason if row else "",
            }
        )
    count = {s: sum(1 for r in rows if r["status"] == s) for s in AttendanceStatus.values}
    return {
        "rows": rows,
        "count": count,
        "waiting": sum(1 for r in rows if not r["status"]),
        "window": window,
    }


class SignInRecordMixin:
    permission = "activities.change"

    def get_record(self):
        records = selectors.records_reached(
            self.access, self.permission, ActivityRecord.objects.active()
        ).select_related("branch", "general_branch", "party_group")
        record = get_object_or_404(records, pk=self.kwargs["pk"])
        if record.kind not in ATTENDANCE_KINDS:
            raise Http404
        return record


class SignInManageView(SignInRecordMixin, AccessRequiredMixin, TemplateView):
    template_name = "activities/signin_manage.html"

    def page(self, record, leave_form=None, status=200):
        window = signin.open_window(record)
        context = {"record": record, "window": window, **arrivals(record, window)}
        if window is not None:
            context["sign_url"] = sign_in_url(self.request, window.code)
            context["qr"] = qr_svg(context["sign_url"])
            waiting = [r["person"] for r in context["rows"] if r["status"] != AttendanceStatus.PRESENT]
            context["leave_form"] = leave_form or SignInLeaveForm(people=waiting)
        return self.render_to_response(self.get_context_data(**context), status=status)

    def get(self, request, *args, **kwargs):
        return self.page(self.get_record())

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        action = request.POST.get("action")
        try:
            if action == "open":
                signin.sign_in_open(record=record, access=self.access)
                return redirect("activities:signin_manage", pk=record.pk)
            if action == "close":
                signin.sign_in_close(record=record, access=self.access)
                messages.success(
                    request,
                    _(
                        "Sign-in is closed. Whoever neither signed in nor was marked on leave is recorded absent."
                    ),
                )
                return redirect("activities:detail", pk=record.pk)
            if action == "leave":
                people = signin.expected_people(record)
                form = SignInLeaveForm(request.POST, people=people)
                if form.is_valid():
                    try:
                        signin.sign_in_mark_leave(
                            record=record,
                            access=self.access,
                            person=form.cleaned_data["person"],
                            reason=form.cleaned_data["reason"],
                        )
                    except ValidationError as error:
                        add_service_errors(form, error)
                    else:
                        messages.success(
                            request,
                            _("%(name)s is marked on leave.") % {"name": form.cleaned_data["person"].name},
                        )
                        return redirect("activities:signin_manage", pk=record.pk)
                return self.page(record, leave_form=form, status=200)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("activities:signin_manage", pk=record.pk)
        messages.error(request, _("Unknown action."))
        return redirect("activities:signin_manage", pk=record.pk)


class SignInArrivalsView(SignInRecordMixin, AccessRequiredMixin, TemplateView):
    """The arrivals table alone, which the secretary's page fetches every few seconds."""

    template_name = "activities/_signin_arrivals.html"

    def get(self, request, *args, **kwargs):
        record = self.get_record()
        return self.render_to_response(arrivals(record, signin.open_window(record)))


class SignInEnterView(AccessRequiredMixin, TemplateView):
    """Typing the short code instead of scanning: any login may try; the code decides."""

    permission = "campaign.view"
    template_name = "activities/signin_enter.html"

    def get(self, request, *args, **kwargs):
        form = SignInCodeForm(request.GET or None)
        if form.is_bound and form.is_valid():
            return redirect("activities:signin", code=signin.normalise_code(form.cleaned_data["code"]) or "-")
        return self.render_to_response(self.get_context_data(form=form))


class SignInView(AccessRequiredMixin, TemplateView):
    """A member signs in at a meeting: the page the QR code opens, then one button."""

    permission = "campaign.view"
    template_name = "activities/signin.html"

    def window(self):
        code = signin.normalise_code(self.kwargs["code"])
        return (
            SignInWindow.objects.filter(code=code, closed_at__isnull=True, record__archived_at__isnull=True)
            .select_related("record__branch", "record__general_branch", "record__party_group")
            .first()
        )

    def get(self, request, *args, **kwargs):
        window = self.window()
        context = {"window": window, "state": "invalid"}
        if window is not None:
            person = self.access.person
            expected = {p.pk for p in signin.expected_people(window.record)}
            if person is None or person.pk not in expected:
                context["state"] = "not_expected"
            elif window.sign_ins.filter(person=person).exists():
                context["state"] = "already"
            else:
                context["state"] = "ready"
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request, *args, **kwargs):
        try:
            signed, new = signin.sign_in(code=self.kwargs["code"], access=self.access)
        except ValidationError:
            return self.render_to_response(self.get_context_data(window=None, state="invalid"))
        except PermissionDenied:
            return self.render_to_response(
                self.get_context_data(window=self.window(), state="not_expected"), status=403
            )
        return self.render_to_response(
            self.get_context_data(window=signed.window, state="signed" if new else "already", signed=signed)
        )
