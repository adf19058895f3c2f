"""Who may change a campaign year's calendar (``core.workflow``): the campaign office of the
year's institute (the administrator: of every institute). A year has no status, so "change"
is a steady action allowed at any time."""

from django.utils.translation import gettext_lazy

from core.workflow import ANY, Workflow

OFFICE = "office"


class CampaignYearWorkflow(Workflow):
    steady = {"change": ANY}
    actors = {"change": OFFICE}
    labels = {"change": gettext_lazy("Edit the calendar")}
    refused = gettext_lazy("You may not change the calendar of this campaign year.")

    def parts(self, access, campaign_year) -> set[str]:
        committee_id = campaign_year.campaign.committee_id
        return {OFFICE} if access.reaches_institute("campaign.change", committee_id) else set()


WORKFLOW = CampaignYearWorkflow()
authorize = WORKFLOW.authorize
