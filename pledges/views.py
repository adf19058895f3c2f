"""Pledge pages: thin views over ``selectors`` (reads) and ``services`` (writes).

Every view declares its permission (``AccessRequiredMixin``) and finds pledges only among those
the user may see (``Pledge.objects.visible_to``), so another branch's pledge is a 404. Views on
one pledge's action authorise it with ``workflow.authorize`` first: not the person's part of
the workflow is a 403 page with the reason; the wrong moment is a message on the pledge's page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from branches.models import Branch, GeneralBranch, Person
from core.audit import object_history
from core.evidence import evidence_response
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .forms import (
    BranchPledgeForm,
    CommentForm,
    MemberPledgeForm,
    NewBranchPledgeForm,
    NewGeneralBranchPledgeForm,
    PledgeFilterForm,
    ProgressForm,
    ProgressPublishForm,
    PublicationForm,
    ReturnForm,
    ReviewForm,
    SelfAssessmentForm,
    item_formset,
)
from .models import Pledge
from .workflow import COMMENTS, DISCUSSION, MODERATOR, WORKFLOW, may_manage, pledge_actions


def _refused(request, error: PermissionDenied):
    return TemplateResponse(
        request, "pledges/refused.html", {"message": str(error) or _("You may not do this.")}, status=403
    )


class PledgeListView(AccessRequiredMixin, ListView):
    permission = "pledges.view"
    template_name = "pledges/pledge_list.html"
    context_object_name = "pledges"
    paginate_by = 50

    def get_queryset(self):
        visible = Pledge.objects.visible_to(self.access)
        # The visible pledges counted by year, kind and status give the year filter's choices
        # and the paginator's counts (``selectors.pledge_pages``).
        counts = selectors.pledge_counts(visible)
        years = sorted({year for year, _kind, _status, _n in counts}, reverse=True)
        self.filter_form = PledgeFilterForm(self.request.GET or None, years=years)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        filters = {name: data.get(name) for name in ("status", "kind", "year", "q")}
        return selectors.pledge_pages(visible, counts, **filters)

    def get_context_data(self, **kwargs):
        person = self.access.person
        return super().get_context_data(
            filter_form=self.filter_form,
            can_write_branch=self.access.has("pledges.write_branch")
            and self.restrict(Branch.objects.active(), branch="", permission="pledges.write_branch").exists(),
            can_write_general_branch=bool(
                selectors.general_branches_reached(self.access, "pledges.write_branch")
            ),
            can_write_own=self.access.has("pledges.write_own")
            and person is not None
            and person.branch_id is not None,
            **kwargs,
        )


class PledgeDetailView(AccessRequiredMixin, DetailView):
    permission = "pledges.view"
    template_name = "pledges/pledge_detail.html"
    context_object_name = "pledge"

    def get_queryset(self):
        return selectors.pledge_detail(Pledge.objects.visible_to(self.access, by_key=True))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge = self.object
        comments = selectors.pledge_comments(pledge)
        selectors.load_signatories(pledge, comments)
        items = list(pledge.items.all())
        actions = pledge_actions(self.access, pledge)
        publications = list(pledge.publications.all())
        context.update(
            items=items,
            progress=selectors.mean_progress(items),
            actions=actions,
            publication=next((p for p in publications if p.quarter is None), None),
            quarterly=[p for p in publications if p.quarter is not None],
            versions=selectors.versions_of(pledge, self.access),
            review=getattr(pledge, "review", None),
        )
        if may_manage(self.access, pledge) or self.access.has("history.view"):
            context["history"] = object_history(pledge)
        context.update(self.comments(pledge, comments))
        return context

    def comments(self, pledge, comments) -> dict:
        """群众监督 under the pledge: each comment with the buttons its reader may press; a
        hidden one's text only for whoever may hide (the office)."""
        for comment in comments:
            comment.actions = COMMENTS.actions(self.access, comment)
            comment.readable = not comment.is_hidden or MODERATOR in COMMENTS.parts(self.access, comment)
        may_comment = "comment" in DISCUSSION.actions(self.access, pledge)
        return {"comments": comments, "comment_form": CommentForm() if may_comment else None}


class PledgeGuardMixin:
    """Load the pledge among those visible (404 otherwise) and authorise ``action`` on it (or,
    with another ``workflow`` and ``target``, on an object of the pledge: a comment).

    Put after ``AccessRequiredMixin`` so that login and the view's permission come first."""

    action: str = ""
    workflow = WORKFLOW

    def target(self):
        return self.get_pledge()

    def get_pledge(self):
        if not hasattr(self, "pledge"):
            visible = Pledge.objects.visible_to(self.access, by_key=True)
            self.pledge = get_object_or_404(
                visible.select_related("branch", "general_branch", "person", "campaign_year", "next_version"),
                pk=self.kwargs["pk"],
            )
        return self.pledge

    def dispatch(self, request, *args, **kwargs):
        target = self.target()
        try:
            self.workflow.authorize(self.access, target, self.action)
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("pledges:detail", pk=self.pledge.pk)
        return super().dispatch(request, *args, **kwargs)


class _PledgeWriteMixin:
    """The pledge form with its items (milestones or commitments) as a formset."""

    template_name = "pledges/pledge_form.html"

    def render_forms(self, form, formset, **extra):
        return self.render_to_response(self.get_context_data(form=form, formset=formset, **extra))

    def post_forms(self, form, formset, save):
        if not (form.is_valid() and formset.is_valid()):
            return self.render_forms(form, formset)
        texts = {k: v for k, v in form.cleaned_data.items() if k not in ("branch", "general_branch")}
        try:
            pledge = save(texts=texts, items=formset.as_items())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_forms(form, formset)
        messages.success(self.request, _("The pledge has been saved."))
        return redirect("pledges:detail", pk=pledge.pk)


class _UnitPledgeCreateView(AccessRequiredMixin, _PledgeWriteMixin, TemplateView):
    """A unit's own pledge. The branch's and the general branch's differ only in the attributes
    below and in which units the user reaches (``units``) and who may be named responsible."""

    permission = "pledges.write_branch"
    kind = ""
    form_class = None
    title = ""
    no_year = ""

    def units(self):
        raise NotImplementedError

    def responsible(self, units):
        raise NotImplementedError

    def forms(self, data=None):
        units = self.units()
        return (
            self.form_class(data, units=units),
            item_formset(kind=self.kind, data=data, responsible=self.responsible(units)),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, title=self.title, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_forms(*self.forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        unit_field = form.unit_field

        def save(*, texts, items):
            unit = form.cleaned_data[unit_field]
            year = selectors.campaign_year_for(unit.committee_id)
            if year is None:
                raise ValidationError(self.no_year)
            return services.pledge_create(
                access=self.access,
                kind=self.kind,
                campaign_year=year,
                items=items,
                **{unit_field: unit},
                **texts,
            )

        return self.post_forms(form, formset, save)


class BranchPledgeCreateView(_UnitPledgeCreateView):
    kind = Pledge.Kind.BRANCH
    form_class = NewBranchPledgeForm
    title = gettext_lazy("New branch pledge")
    no_year = gettext_lazy("No campaign year has been set up for this branch's party committee.")

    def units(self):
        return self.restrict(Branch.objects.active(), branch="")

    def responsible(self, branches):
        return Person.objects.filter(branch__in=branches).select_related("branch").order_by("branch", "name")


class GeneralBranchPledgeCreateView(_UnitPledgeCreateView):
    """A general branch's own pledge, by its secretary (the same permission as a branch's: the
    scope decides, and a branch secretary reaches no general branch here)."""

    kind = Pledge.Kind.GENERAL_BRANCH
    form_class = NewGeneralBranchPledgeForm
    title = gettext_lazy("New general branch pledge")
    no_year = gettext_lazy("No campaign year has been set up for this general branch's party committee.")

    def dispatch(self, request, *args, **kwargs):
        # After login and the permission (the mixin's), the scope: a general branch's secretary.
        access = request.access
        if request.user.is_authenticated and access.has(self.permission):
            self.general_branches = selectors.general_branches_reached(access, self.permission)
            if not self.general_branches:
                message = _("Only the secretary of a general branch writes its pledge.")
                return _refused(request, PermissionDenied(message))
        return super().dispatch(request, *args, **kwargs)

    def units(self):
        return GeneralBranch.objects.filter(pk__in=[gb.pk for gb in self.general_branches])

    def responsible(self, general_branches):
        return (
            Person.objects.filter(branch__general_branch__in=general_branches)
            .select_related("branch")
            .order_by("branch__sort_order", "branch__name_key", "name", "pk")
        )


class MemberPledgeCreateView(AccessRequiredMixin, _PledgeWriteMixin, TemplateView):
    permission = "pledges.write_own"

    def year(self):
        person = self.access.person
        return selectors.campaign_year_for(person.committee_id) if person else None

    def get(self, request, *args, **kwargs):
        year = self.year()
        if year is None:
            messages.error(request, _("No campaign year has been set up yet."))
            return redirect("pledges:list")
        existing = (
            Pledge.objects.filter(person=self.access.person, campaign_year=year)
            .current()
            .order_by("-version")
        )
        if existing.exists():
            messages.info(request, _("You already have a pledge for %(year)s.") % {"year": year.year})
            return redirect("pledges:detail", pk=existing.first().pk)
        return self.render_forms(MemberPledgeForm(), item_formset(kind=Pledge.Kind.MEMBER))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=Pledge.Kind.MEMBER, title=_("My pledge"), year=self.year(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = MemberPledgeForm(request.POST)
        formset = item_formset(kind=Pledge.Kind.MEMBER, data=request.POST)

        def save(*, texts, items):
            year = self.year()
            if year is None:
                raise ValidationError(_("No campaign year has been set up yet."))
            return services.pledge_create(
                access=self.access, kind=Pledge.Kind.MEMBER, campaign_year=year, items=items, **texts
            )

        return self.post_forms(form, formset, save)


class PledgeEditView(AccessRequiredMixin, PledgeGuardMixin, _PledgeWriteMixin, TemplateView):
    permission = "pledges.view"
    action = "edit"

    def forms(self, data=None):
        pledge = self.pledge
        form_class = BranchPledgeForm if pledge.is_unit else MemberPledgeForm
        if pledge.is_general_branch:  # the members of its branches
            responsible = (
                Person.objects.filter(branch__general_branch=pledge.general_branch_id)
                .select_related("branch")
                .order_by("branch__sort_order", "branch__name_key", "name", "pk")
            )
        elif pledge.is_branch:
            responsible = Person.objects.filter(branch=pledge.branch).order_by("name")
        else:
            responsible = None
        items = pledge.items.select_related("responsible")
        return (
            form_class(data, instance=pledge),
            item_formset(kind=pledge.kind, data=data, items=items, responsible=responsible),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.pledge.kind,
            pledge=self.pledge,
            title=_("Edit the pledge"),
            year=self.pledge.campaign_year,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_forms(*self.forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)

        def save(*, texts, items):
            return services.pledge_update(access=self.access, pledge=self.pledge, items=items, **texts)

        return self.post_forms(form, formset, save)


class PledgeStepView(AccessRequiredMixin, PledgeGuardMixin, View):
    """A button on the pledge page: submit, approve or correct (POST only)."""

    permission = "pledges.view"
    http_method_names = ["post"]
    steps = {
        "submit": (services.pledge_submit, gettext_lazy("The pledge has been submitted for approval.")),
        "approve": (services.pledge_approve, gettext_lazy("The pledge has been approved.")),
        "correct": (
            services.pledge_correct,
            gettext_lazy(
                "A new version has been started; the published one stays in force until this one is published."
            ),
        ),
    }

    def post(self, request, *args, **kwargs):
        service, done = self.steps[self.action]
        try:
            result = service(access=self.access, pledge=self.pledge)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("pledges:detail", pk=self.pledge.pk)
        messages.success(request, done)
        if self.action == "correct":
            return redirect("pledges:edit", pk=result.pk)
        return redirect("pledges:detail", pk=self.pledge.pk)


class PledgeFormActionView(AccessRequiredMixin, PledgeGuardMixin, FormView):
    """An action that needs a few fields: its form page, then the service."""

    permission = "pledges.view"
    template_name = "pledges/action_form.html"
    title = ""
    button = ""
    done = ""
    help = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pledge=self.pledge, title=self.title, button=self.button, help=self.help, **kwargs
        )

    def call(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.call(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("pledges:detail", args=[self.pledge.pk])


class PledgeReturnView(PledgeFormActionView):
    action = "return"
    form_class = ReturnForm
    title = gettext_lazy("Return the pledge")
    button = gettext_lazy("Return to the writer")
    done = gettext_lazy("The pledge has been returned.")

    def call(self, data):
        services.pledge_return(access=self.access, pledge=self.pledge, **data)


class PledgePublishView(PledgeFormActionView):
    action = "publish"
    form_class = PublicationForm
    title = gettext_lazy("Record the publication of the pledge")
    button = gettext_lazy("Record the publication")
    done = gettext_lazy("The publication has been recorded; the pledge is now public.")
    help = gettext_lazy(
        "A pledge is announced to the staff of the department, e.g. at the department meeting or the team leaders' meeting. Once published it can no longer be edited; a correction becomes a new version."
    )

    def late_warning(self) -> str:
        """The warning when the year's deadline has passed (a correction is never late itself)."""
        pledge = self.pledge
        if pledge.previous_id is None and services.is_late(pledge, timezone.localdate()):
            return services.late_message(pledge)
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "late_warning": self.late_warning()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(late_warning=self.late_warning(), **kwargs)

    def call(self, data):
        data = dict(data)
        # False when the box was shown and left unticked; None when there was no box.
        acknowledged = data.pop("late_acknowledged", None)
        services.pledge_publish(
            access=self.access, pledge=self.pledge, late_acknowledged=acknowledged, **data
        )


class ProgressPublishView(PledgeFormActionView):
    action = "progress_publish"
    form_class = ProgressPublishForm
    title = gettext_lazy("Publish quarterly progress")
    button = gettext_lazy("Record the publication")
    done = gettext_lazy("The quarterly progress publication has been recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["published_quarters"] = set(
            self.pledge.publications.filter(quarter__isnull=False).values_list("quarter", flat=True)
        )
        return kwargs

    def call(self, data):
        services.progress_publish(access=self.access, pledge=self.pledge, **data)


class SelfAssessmentView(PledgeFormActionView):
    action = "self_assess"
    form_class = SelfAssessmentForm
    title = gettext_lazy("Self-assessment")
    button = gettext_lazy("Save")
    done = gettext_lazy("The self-assessment has been saved.")

    def get_initial(self):
        review = getattr(self.pledge, "review", None)
        return {"self_assessment": review.self_assessment} if review else {}

    def call(self, data):
        services.pledge_self_assess(access=self.access, pledge=self.pledge, **data)


class PledgeReviewView(PledgeFormActionView):
    action = "review"
    form_class = ReviewForm
    title = gettext_lazy("Review the pledge")
    button = gettext_lazy("Close with this result")
    done = gettext_lazy("The pledge has been reviewed and closed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=getattr(self.pledge, "review", None), **kwargs)

    def call(self, data):
        services.pledge_review(access=self.access, pledge=self.pledge, **data)


class ProgressAddView(PledgeFormActionView):
    action = "progress"
    form_class = ProgressForm
    title = gettext_lazy("Add progress")
    button = gettext_lazy("Save the progress")
    done = gettext_lazy("The progress has been recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = (
            selectors.items_with_progress().filter(pledge=self.pledge).order_by("position", "pk")
        )
        return kwargs

    def get_initial(self):
        return {"item": self.request.GET.get("item")} if self.request.GET.get("item", "").isdigit() else {}

    def call(self, data):
        services.progress_add(access=self.access, **data)


class EvidenceDownloadView(AccessRequiredMixin, View):
    """An evidence file, for someone who may see its pledge; never from a public URL."""

    permission = "pledges.view"

    def get(self, request, pk):
        evidence = get_object_or_404(selectors.evidence_visible_to(self.access), pk=pk)
        return evidence_response(evidence)
