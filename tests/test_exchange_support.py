"""Objects of the experience exchange for the tests and the permission grid: an article of the
campaign office with a file, a branch's article, a meeting, and an article of another institute."""

import datetime
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import compute_access
from exchange import services
from exchange.models import Article

PDF = b"%PDF-1.4\n%%EOF\n"


def exchange_world(institute, foreign_publisher=None):
    office = compute_access(institute.office.user)
    ns = SimpleNamespace()
    ns.article = services.article_publish(
        access=office,
        committee_id=institute.committee.pk,
        title="支部工作法：三张清单",
        body="把任务、责任和时限列成清单。",
        files=[SimpleUploadedFile("清单.pdf", PDF)],
    )
    ns.article_file = ns.article.files.get()
    ns.branch_article = services.article_publish(
        access=compute_access(institute.secretary.user),
        committee_id=institute.committee.pk,
        branch=institute.branch,
        title="课题攻关中的党员先锋岗",
        body="攻关团队的做法。",
    )
    ns.meeting = services.meeting_record(
        access=office,
        committee_id=institute.committee.pk,
        title="第一次经验交流会",
        held_on=datetime.date(2026, 6, 1),
        articles=[ns.article, ns.branch_article],
        branches=[institute.branch, institute.branch2],
        other_attendees="江波",
        today=datetime.date(2026, 6, 2),
    )
    # Another institute's article, written straight to the table (no office there).
    ns.foreign_article = Article.objects.create(
        committee=institute.other_committee, title="外所经验", body="外所", published_by=institute.admin
    )
    return ns


def cached(w):
    if not hasattr(w, "_exchange"):
        w._exchange = exchange_world(w)
    return w._exchange


def xpk(name):
    """For the permission grid: the pk of an exchange object, built on first use."""
    return lambda w: {"pk": getattr(cached(w), name).pk}
