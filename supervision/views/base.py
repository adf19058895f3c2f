"""The one mixin of supervision's pages: permission, reach, years and the section's navigation."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from campaigns.models import CampaignYear
from campaigns.selectors import pick_year
from core.mixins import AccessRequiredMixin


class SupervisionMixin(AccessRequiredMixin):
    """Each page declares its ``permission``, the ``model`` it shows and how that is reached:

    - ``institute_only``: the page is about a whole institute (draws, rounds, review rounds), so
      a secretary's branch scope is refused (403) and objects are narrowed to the institutes
      ``scope_permission`` reaches as a whole;
    - otherwise objects are narrowed to the branches (and, with ``person``, the own records)
      ``scope_permission`` reaches; another branch's object is a 404.

    ``scope_permission`` defaults to ``permission``: a reply page finds only the inspections
    its reader may reply to. Institute pages find their objects with the view permission and
    leave the write to the service's ``authorize``."""

    model = None
    section = ""
    institute_only = False
    scope_permission: str | None = None
    person: str | None = None  # the lookup to the Person a record is about (own records)

    def dispatch(self, request, *args, **kwargs):
        if self.institute_only and request.user.is_authenticated:
            access = request.access
            if access.has(self.permission) and not access.reaches_institute(self.permission):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def objects(self):
        """The page's objects the reader may reach."""
        permission = self.scope_permission or self.permission
        queryset = self.model._default_manager.all()
        if self.institute_only:
            return self.access.restrict_institute(
                queryset, permission, committee="campaign_year__campaign__committee"
            )
        return self.restrict(queryset, permission=permission, person=self.person)

    def years(self, permission=None):
        """The campaign years the reader may choose; on a whole institute's page only those of
        the institutes reached as a whole."""
        permission = permission or self.permission
        years = CampaignYear.objects.visible_to(self.access, permission)
        if self.institute_only:
            years = self.access.restrict_institute(years, permission, committee="campaign__committee")
        return years

    def current_year(self, years):
        return pick_year(years, None, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sv_nav"] = {
            "inspections": self.access.has("supervision.view"),
            "institute": self.access.reaches_institute("supervision.view"),
            "review_rounds": self.access.reaches_institute("reviews.view"),
            "reviews": self.access.has("reviews.view"),
        }
        context["today"] = timezone.localdate()
        context["section"] = self.section
        return context

    def refused_now(self, workflow, obj, action: str):
        """What the state says against ``action`` (None when it allows it): a page of the action
        opened by GET says so and goes back, rather than showing a form the service refuses."""
        if workflow.state_allows(obj, action):
            return None
        return workflow.refusal(obj, action).messages[0]
