"""Helpers of the notices tests (and the permission grid's notices)."""

import datetime
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import compute_access
from notices import services
from notices.models import DepartmentHead

from .factories import DepartmentFactory, PersonFactory, UserFactory


def pdf(name="实施方案.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def issue(institute, *, actor=None, files=(), **kwargs):
    """A notice of ``institute``'s office to the plan's addressees (or those given)."""
    general, branches, departments = services.default_addressees(institute.committee)
    data = {
        "committee": institute.committee,
        "title": "关于开展创先争优活动的实施方案",
        "body": "各党总支、党支部：现将实施方案印发给你们，请认真贯彻落实。",
        "issuing_body": "中共二十六所委员会",
        "issued_on": datetime.date(2026, 1, 5),
        "general_branches": list(general),
        "branches": list(branches),
        "departments": list(departments),
        "files": list(files),
        **kwargs,
    }
    return services.notice_issue(access=compute_access(actor or institute.office.user), **data)


def head_of_department(institute):
    """A department without a branch (保卫处) and its head with a login, once per institute."""
    if not hasattr(institute, "head"):
        institute.lone_department = DepartmentFactory(committee=institute.committee, name="保卫处")
        institute.head = PersonFactory(
            committee=institute.committee,
            name="钱处长",
            department=institute.lone_department,
            user=UserFactory(username="head"),
        )
        DepartmentHead.objects.create(department=institute.lone_department, person=institute.head)
    return institute.head


def notices_world(w):
    """The grid's notices: one of the institute (with an attachment), one of another institute."""
    if not hasattr(w, "notices"):
        head_of_department(w)
        notice = issue(w, files=[pdf()])
        foreign = services.notice_issue(
            access=compute_access(w.admin),
            committee=w.other_committee,
            title="外所通知",
            body="正文",
            issuing_body="外所党委",
            issued_on=datetime.date(2026, 1, 5),
            branches=[w.foreign_branch],
        )
        w.notices = SimpleNamespace(notice=notice, attachment=notice.attachments.get(), foreign=foreign)
    return w.notices
