"""Helpers of the duty-report tests and of the permission grid's duty reports."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import compute_access
from campaigns.models import CampaignYear
from duties import services

D = datetime.date


def year_of(institute):
    return CampaignYear.objects.get(campaign=institute.campaign, year=2026)


def set_form(institute):
    return services.duty_form_save(
        access=compute_access(institute.office.user),
        campaign_year=year_of(institute),
        duty_prompt="履行党建工作第一责任人职责情况",
        integrity_prompt="执行廉洁自律规定情况",
        due_on=D(2026, 12, 20),
    )


def submitted_report(institute, secretary=None, unit=None):
    """A submitted report of 第一党支部 by 李书记 (or the secretary and unit given)."""
    if not hasattr(year_of(institute), "duty_form"):
        set_form(institute)
    secretary = secretary or institute.secretary
    access = compute_access(secretary.user)
    report = services.report_start(
        access=access, campaign_year=year_of(institute), unit=unit or institute.branch
    )
    return services.report_save(
        access=compute_access(secretary.user),
        report=report,
        duty="全年组织三会一课四十次。",
        integrity="严格执行八项规定。",
        files=[SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4\n%%EOF\n")],
        submit=True,
    )


def duties_world(w):
    """The grid's report (第一党支部, submitted, with an attachment), made on first use."""
    if not hasattr(w, "duty_report"):
        w.duty_report = submitted_report(w)
        w.duty_attachment = w.duty_report.attachments.get()
    return w
