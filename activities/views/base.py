"""What the pages of the activity record share: the campaign year a page is about."""

from django.utils import timezone

from campaigns.models import CampaignYear
from campaigns.selectors import pick_year


class CampaignYearMixin:
    """The campaign year a page is about: ``?year=`` among those the user may see, else the
    current one."""

    def visible_years(self, permission: str):
        return CampaignYear.objects.visible_to(self.access, permission)

    def get_campaign_year(self, permission=None):
        if not hasattr(self, "_campaign_year"):
            self.campaign_years = list(self.visible_years(permission or self.permission))
            self._campaign_year = pick_year(
                self.campaign_years, self.request.GET.get("year"), timezone.localdate()
            )
        return self._campaign_year

    def current_year_initial(self, years) -> dict:
        """A new object's campaign year: this year's."""
        current = pick_year(years, None, timezone.localdate())
        return {"campaign_year": current.pk if current else None}

    def year_context(self) -> dict:
        year = self.get_campaign_year()
        return {
            "campaign_year": year,
            "campaign_years": self.campaign_years,
            "multi_committee": len({y.campaign.committee_id for y in self.campaign_years}) > 1,
        }
