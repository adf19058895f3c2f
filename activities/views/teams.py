"""Pages of the vanguard research teams (先锋攻关队) and research champions of the branches."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from branches.models import Branch
from campaigns.models import CampaignYear
from core.audit import object_history
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..forms import ResearchChampionForm, VanguardTeamForm
from ..models import ResearchChampion, VanguardTeam
from ..workflow import BRANCH_WORK
from .base import CampaignYearMixin


class VanguardListView(AccessRequiredMixin, CampaignYearMixin, TemplateView):
    permission = "activities.view"
    template_name = "activities/vanguard_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.year_context(),
            **selectors.vanguard_page(
                teams=self.restrict(VanguardTeam.objects.all()),
                champions=self.restrict(ResearchChampion.objects.all()),
                campaign_year=self.get_campaign_year(),
            ),
            can_change=self.access.has("activities.change"),
            **kwargs,
        )


class VanguardFormMixin(CampaignYearMixin):
    """Create or correct a team or a champion of a branch the secretary may change."""

    model = None
    form_class = None
    template_name = "activities/vanguard_form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            self.restrict(self.model.objects.select_related("branch")), pk=self.kwargs["pk"]
        )

    def build(self, obj):
        branches = self.restrict(Branch.objects.active(), branch="").order_by(*Branch.TREE_ORDER)
        if obj is not None:
            branches = Branch.objects.filter(pk=obj.branch_id)
        years = CampaignYear.objects.visible_to(self.access, self.permission)
        data = self.request.POST if self.request.method == "POST" else None
        form = self.form_class(
            data,
            initial=self.initial_for(obj, years),
            branches=branches,
            years=years,
            people=selectors.people_to_name(branches=branches, extra=self.extra_people(obj)),
            edits=obj,
        )
        if obj is not None:
            form.fields["branch"].disabled = True
        return form

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(
            self.get_context_data(form=self.build(self.object), object=self.object)
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.build(self.object)
        if form.is_valid():
            try:
                saved = self.save(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(saved)
        return self.render_to_response(self.get_context_data(form=form, object=self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(model_name=self.model._meta.verbose_name, **kwargs)


class VanguardTeamFormView(AccessRequiredMixin, VanguardFormMixin, TemplateView):
    permission = "activities.change"
    model = VanguardTeam
    form_class = VanguardTeamForm

    def extra_people(self, obj):
        return list(obj.members.values_list("pk", flat=True)) + [obj.leader_id] if obj else []

    def initial_for(self, obj, years):
        if obj is None:
            return self.current_year_initial(years)
        return {
            "branch": obj.branch_id,
            "campaign_year": obj.campaign_year_id,
            "name": obj.name,
            "topic": obj.topic,
            "leader": obj.leader_id,
            "members": list(obj.members.values_list("pk", flat=True)),
            "results": obj.results,
        }

    def save(self, data):
        return services.vanguard_team_save(
            team=self.object,
            branch=self.object.branch if self.object else data["branch"],
            campaign_year=data["campaign_year"],
            access=self.access,
            name=data["name"],
            topic=data["topic"],
            leader=data["leader"],
            members=data["members"],
            results=data["results"],
        )


class ResearchChampionFormView(AccessRequiredMixin, VanguardFormMixin, TemplateView):
    permission = "activities.change"
    model = ResearchChampion
    form_class = ResearchChampionForm

    def extra_people(self, obj):
        return [obj.person_id] if obj else []

    def initial_for(self, obj, years):
        if obj is None:
            return self.current_year_initial(years)
        return {
            "branch": obj.branch_id,
            "campaign_year": obj.campaign_year_id,
            "person": obj.person_id,
            "achievement": obj.achievement,
        }

    def save(self, data):
        return services.research_champion_save(
            champion=self.object,
            branch=self.object.branch if self.object else data["branch"],
            campaign_year=data["campaign_year"],
            access=self.access,
            person=data["person"],
            achievement=data["achievement"],
        )


class _BranchWorkDetailView(AccessRequiredMixin, DetailView):
    """A team's or a champion's page: the edit button from the workflow, the history."""

    permission = "activities.view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = "save" in BRANCH_WORK.actions(self.access, self.object)
        if self.access.has("history.view"):
            context["history"] = object_history(self.object)
        return context


class VanguardTeamDetailView(_BranchWorkDetailView):
    template_name = "activities/vanguard_team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return selectors.team_detail(self.restrict(VanguardTeam.objects.all()))


class ResearchChampionDetailView(_BranchWorkDetailView):
    template_name = "activities/champion_detail.html"
    context_object_name = "champion"

    def get_queryset(self):
        return selectors.champion_detail(self.restrict(ResearchChampion.objects.all()))
