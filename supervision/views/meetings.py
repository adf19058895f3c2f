"""Pages of the office's meetings (座谈会, 党支部书记例会, 情况通报会) and their follow-ups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from branches.models import Branch
from core.audit import object_history
from core.forms import add_service_errors

from .. import selectors, services
from ..forms import FollowUpFormSet, MeetingForm
from ..meeting_forms import FollowUpCorrectFormSet, MeetingCorrectForm
from ..models import SupervisionMeeting
from ..services.meetings import follow_up_answered, meeting_correct
from ..workflow import MEETING
from .base import SupervisionMixin


class MeetingMixin(SupervisionMixin):
    model = SupervisionMeeting
    section = "meetings"
    institute_only = True


class MeetingListView(MeetingMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        return selectors.meeting_list(self.objects())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=self.access.reaches_institute("supervision.change"), **kwargs
        )


class MeetingCreateView(MeetingMixin, FormView):
    permission = "supervision.change"
    template_name = "supervision/meeting_form.html"
    form_class = MeetingForm

    @cached_property
    def branches(self):
        return self.access.restrict(Branch.objects.active(), "supervision.change", branch="").order_by(
            "sort_order", "name"
        )

    def get_form_kwargs(self):
        years = self.years()
        return {
            **super().get_form_kwargs(),
            "years": years,
            "attendees": selectors.meeting_attendee_choices(years),
        }

    def get_initial(self):
        initial = {"campaign_year": self.current_year(self.years())}
        if self.request.GET.get("kind") in SupervisionMeeting.Kind.values:
            initial["kind"] = self.request.GET["kind"]
        return initial

    def follow_up_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return FollowUpFormSet(data, prefix="follow", form_kwargs={"branches": self.branches})

    def get_context_data(self, **kwargs):
        kwargs.setdefault("follow_ups", self.follow_up_formset())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form, follow_ups = self.get_form(), self.follow_up_formset()
        if not (form.is_valid() and follow_ups.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, follow_ups=follow_ups))
        rows = [f.cleaned_data for f in follow_ups if f.cleaned_data.get("branch")]
        try:
            meeting = services.meeting_record(access=self.access, follow_ups=rows, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, follow_ups=follow_ups))
        messages.success(request, _("The meeting has been recorded."))
        return redirect("supervision:meeting_detail", meeting.pk)


class MeetingDetailView(MeetingMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return selectors.meeting_detail(self.objects())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            can_correct="correct" in MEETING.actions(self.access, self.object), **kwargs
        )
        # The corrections, each with who, when and why, are part of the record every reader sees.
        context["history"] = object_history(self.object)
        context["corrections"] = [h for h in context["history"] if h["record"].history_change_reason]
        if not self.access.has("history.view"):
            del context["history"]
        return context


class MeetingCorrectView(MeetingMixin, FormView):
    """The office corrects a recorded meeting; the follow-ups already answered are shown as they
    stand, the others can be corrected."""

    permission = "supervision.change"
    template_name = "supervision/meeting_correct.html"
    form_class = MeetingCorrectForm

    @cached_property
    def meeting(self):
        return get_object_or_404(selectors.meeting_detail(self.objects()), pk=self.kwargs["pk"])

    @cached_property
    def answered(self):
        return [f for f in self.meeting.follow_ups.all() if follow_up_answered(f)]

    @cached_property
    def unanswered(self):
        return [f for f in self.meeting.follow_ups.all() if not follow_up_answered(f)]

    def get_form_kwargs(self):
        years = self.years().filter(pk=self.meeting.campaign_year_id)
        return {**super().get_form_kwargs(), "attendees": selectors.meeting_attendee_choices(years)}

    def get_initial(self):
        m = self.meeting
        return {
            "held_on": m.held_on,
            "subject": m.subject,
            "attendees": list(m.attendees.all()),
            "other_attendees": m.other_attendees,
            "raised": m.raised,
        }

    def follow_up_formset(self):
        if self.request.method == "POST":
            return FollowUpCorrectFormSet(self.request.POST, prefix="follow")
        return FollowUpCorrectFormSet(
            prefix="follow",
            initial=[
                {"inspection": f.pk, "text": f.findings, "due": f.rectification_due} for f in self.unanswered
            ],
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("follow_ups", self.follow_up_formset())
        branches = {f.pk: f.branch for f in self.unanswered}
        kwargs["rows"] = [
            (f, branches.get(f.initial.get("inspection") or _int(f["inspection"].value())))
            for f in kwargs["follow_ups"]
        ]
        return super().get_context_data(meeting=self.meeting, answered=self.answered, **kwargs)

    def post(self, request, *args, **kwargs):
        form, follow_ups = self.get_form(), self.follow_up_formset()
        if not (form.is_valid() and follow_ups.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, follow_ups=follow_ups))
        # Every follow-up of the meeting: one answered since the page was opened is refused by
        # the service by name, not as unknown.
        by_pk = {f.pk: f for f in self.meeting.follow_ups.all()}
        rows = [
            {
                "inspection": by_pk.get(f.cleaned_data["inspection"]),
                "text": f.cleaned_data["text"],
                "due": f.cleaned_data["due"],
            }
            for f in follow_ups
        ]
        try:
            meeting_correct(access=self.access, meeting=self.meeting, follow_ups=rows, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, follow_ups=follow_ups))
        messages.success(request, _("The record of the meeting has been corrected."))
        return redirect("supervision:meeting_detail", self.meeting.pk)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
