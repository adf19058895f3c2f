"""The permission grid of the whole project: every URL pattern × every role.

``test_every_url_pattern_has_an_entry`` walks ``config.urls`` and fails for a pattern that has
no entry in ``GRID`` (apart from the short ``NOT_OURS`` allow-list of Django's own pages).
``test_permission_grid`` then asks every entry as each role, on one set-up per role:

- a page (GET) answers the status of the table: 200, 302 (anonymous: to the login page), 403,
  404 (an object of another branch or institute) or 405;
- an action (POST) is sent only by the roles the table refuses: they get 403/404 and nothing in
  the database changes (row counts of every table, history tables included, which record every
  change of a domain record). A role that may act gets 405 on GET: the action is not a page.

Adding a URL is one line in ``GRID``: ``"app:name": [page(kwargs, expected)]`` or ``action``.
The per-app grids (tests/test_views.py, test_*_views.py, test_supervision.py, test_reviews.py,
test_evaluations.py, test_awards.py) test the same answers on their own fixtures; this one holds
them all in one table so that a URL cannot be left out.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.access import compute_access
from activities import services as activity_services
from activities.models import Kind
from awards import selectors as award_selectors
from awards import services as award_services
from awards.models import Candidate, Objection, Subject
from branches.models import RosterImport
from campaigns.models import CampaignYear
from campaigns.services import campaign_year_create
from evaluations import services as evaluation_services
from evaluations.models import Appraisal
from pledges.models import Pledge, PledgeItem
from reports.models import ReportFile
from supervision import services as supervision_services
from supervision.models import SpotCheckDraw

from .factories import DepartmentFactory, make_campaign, make_member, make_secretary
from .test_activities_general_branch_support import gbkind, gbpk
from .test_duty_reports_support import duties_world
from .test_evaluations_support import create_evaluation, make_staff, today
from .test_exchange_support import xpk
from .test_notices_support import notices_world
from .test_pledges_support import make_pledge, pdf, step
from .test_supervision_support import inspect, meeting_of, review_of, write

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "staff",
    "member",
    "secretary",  # 李书记, secretary of 第一党支部 (the branch of 陈党员)
    "gb_secretary",  # secretary of the general branch above 第一党支部 and 第二党支部
    "other_secretary",  # 赵书记, secretary of 机关党支部, another branch of the same institute
    "office",
    "leader",
    "admin",
]

# Routes of Django's own pages, whose access accounts/access.py does not decide: the admin (the
# staff flag), login, logout and password pages (django.contrib.auth.urls), the language switch.
# Static and media files are served by WhiteNoise and the web server, not by URL patterns.
NOT_OURS = ("admin/", "accounts/", "i18n/")

LOGIN = 302  # anonymous: sent to the login page
ALLOWED = "allowed"  # a role that may take the action (POST): not sent, GET answers 405


def answers(default=403, **per_role):
    """The answer per role: anonymous is sent to log in, the rest get ``default`` unless named."""
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], default), **per_role}


def ok(*roles, default=403, **per_role):
    return answers(default, **{**dict.fromkeys(roles, 200), **per_role})


def may(*roles, default=403, **per_role):
    """For an action: ``roles`` may take it, the others are refused with ``default``/``per_role``."""
    return answers(default, **{**dict.fromkeys(roles, ALLOWED), **per_role})


SECRETARIES = ("secretary", "gb_secretary", "other_secretary")
OFFICE = ("office", "admin")
INSTITUTE = ("office", "leader", "admin")
VIEWERS = (*SECRETARIES, *INSTITUTE)
EVERYONE = ROLES[1:]
# An object of another institute: only the administrator reaches it.
FOREIGN = {r: 404 for r in ("secretary", "gb_secretary", "other_secretary", "office", "leader")}


@dataclass
class Case:
    method: str
    kwargs: object  # world → URL kwargs
    expected: dict
    allowed_get: int = 405  # GET by a role that may take the action


def page(kwargs, expected):
    return Case("get", kwargs, expected)


def action(kwargs, expected, allowed_get=405):
    """A POST; ``allowed_get`` is the GET answer to a role that may take it (200: a form page)."""
    return Case("post", kwargs, expected, allowed_get)


def none(w):
    return {}


def pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def year(w):
    return {"year": w.year.pk}


def DUTY(w):  # noqa: N802 (a URL-kwargs function of the grid, named like its neighbours' tables)
    return {"pk": duties_world(w).duty_report.pk}


GRID = {
    # --- accounts
    "home": [page(none, ok(*EVERYONE))],
    "notifications": [page(none, ok(*EVERYONE))],
    # --- logins (the office's): person pks; another institute's person is not found
    "logins:list": [page(none, ok(*OFFICE))],
    "logins:issue": [page(none, ok(*OFFICE))],
    "logins:reset": [
        action(pk("member"), may(*OFFICE)),
        action(pk("foreign_member"), may("admin", office=404)),
    ],
    "logins:deactivate": [
        action(pk("member"), may(*OFFICE)),
        action(pk("foreign_member"), may("admin", office=404)),
    ],
    "logins:reactivate": [
        action(pk("member"), may(*OFFICE)),
        action(pk("foreign_member"), may("admin", office=404)),
    ],
    # --- organisation and people
    "branches:org": [page(none, ok(*VIEWERS))],
    "branches:branch_list": [page(none, ok(*VIEWERS))],
    "branches:branch_detail": [
        page(pk("branch"), ok(*VIEWERS, other_secretary=404)),
        page(pk("foreign_branch"), ok("admin", **FOREIGN)),
    ],
    "branches:person_list": [page(none, ok(*SECRETARIES, *OFFICE))],
    "branches:person_detail": [
        page(pk("member"), ok("secretary", "gb_secretary", *OFFICE, other_secretary=404)),
        page(pk("staff"), ok(*OFFICE, secretary=404, gb_secretary=404, other_secretary=404)),
        page(
            pk("foreign_member"),
            ok("admin", secretary=404, gb_secretary=404, other_secretary=404, office=404),
        ),
    ],
    "branches:person_transfer": [
        page(pk("member"), ok(*OFFICE)),
        page(pk("foreign_member"), ok("admin", office=404)),
    ],
    "branches:branch_position_new": [
        page(pk("branch"), ok(*OFFICE, "secretary", "gb_secretary", other_secretary=404)),
        page(
            pk("foreign_branch"),
            ok("admin", secretary=404, gb_secretary=404, other_secretary=404, office=404),
        ),
    ],
    "branches:branch_election": [
        page(pk("branch"), ok(*OFFICE)),
        page(pk("foreign_branch"), ok("admin", office=404)),
    ],
    "branches:general_branch_detail": [
        page(pk("gb"), ok("gb_secretary", *INSTITUTE, secretary=404, other_secretary=404))
    ],
    "branches:general_branch_position_new": [
        page(pk("gb"), ok(*OFFICE, secretary=404, gb_secretary=404, other_secretary=404))
    ],
    "branches:general_branch_election": [page(pk("gb"), ok(*OFFICE))],
    "branches:position_end": [
        # 书记 is the office's to end; 委员 and 党小组长 the branch secretary's too (test_positions)
        page(lambda w: {"pk": w.secretary.positions.get().pk}, ok(*OFFICE, other_secretary=404))
    ],
    "branches:person_leave": [
        page(pk("member"), ok(*OFFICE)),
        page(pk("foreign_member"), ok("admin", office=404)),
    ],
    "branches:roster_import": [page(none, ok(*OFFICE))],
    "branches:roster_import_preview": [
        page(pk("roster_import"), ok(*OFFICE)),
        page(pk("foreign_roster_import"), ok("admin", office=404)),
    ],
    "branches:roster_export": [page(none, ok(*OFFICE))],
    # --- campaign calendar
    "campaigns:current": [page(none, ok(*EVERYONE))],
    "campaigns:year_edit": [page(pk("year"), ok(*OFFICE)), page(pk("foreign_year"), ok("admin", office=404))],
    # --- pledges (bp: the branch's published pledge; md: the member's draft; b2: branch2's
    # submitted pledge; m3: another member's approved pledge; foreign: another institute's)
    "pledges:list": [page(none, ok(*EVERYONE))],
    "pledges:create_branch": [page(none, ok(*SECRETARIES))],
    "pledges:create_general_branch": [page(none, ok("gb_secretary"))],
    # the member already has a draft: sent to it
    "pledges:create_member": [page(none, ok(*SECRETARIES, member=302))],
    "pledges:detail": [
        page(pk("bp"), answers(200, other_secretary=404)),
        page(pk("md"), answers(404, member=200, secretary=200, gb_secretary=200)),
        page(pk("b2"), answers(404, gb_secretary=200, office=200, admin=200)),
        page(pk("foreign_pledge"), answers(404, admin=200)),
        # the general branch's own: public to its branches' people, its correction to its writers
        page(pk("gbp"), answers(200, other_secretary=404)),
        page(pk("gbc"), answers(404, gb_secretary=200, office=200, admin=200)),
    ],
    "pledges:edit": [
        page(pk("md"), answers(404, member=200, secretary=403, gb_secretary=403)),
        # published: read-only for its writers (a message), not theirs for the others
        page(pk("bp"), answers(403, other_secretary=404, secretary=302, gb_secretary=302)),
    ],
    "pledges:submit": [action(pk("md"), may("member", default=404, secretary=403, gb_secretary=403))],
    "pledges:approve": [
        action(pk("b2"), may("office", "admin", default=404, gb_secretary=403)),
        action(pk("gbc"), may("office", "admin", default=404, gb_secretary=403)),
    ],
    "pledges:correct": [action(pk("bp"), may("secretary", "gb_secretary", other_secretary=404))],
    "pledges:return": [
        page(pk("b2"), answers(404, gb_secretary=403, office=200, admin=200)),
        page(pk("md"), answers(404, member=403, secretary=302, gb_secretary=302)),
    ],
    "pledges:publish": [page(pk("m3"), answers(404, secretary=200, gb_secretary=200))],
    "pledges:progress_add": [page(pk("bp"), ok("secretary", "gb_secretary", other_secretary=404))],
    "pledges:progress_publish": [page(pk("bp"), ok("secretary", "gb_secretary", other_secretary=404))],
    "pledges:self_assess": [page(pk("bp"), ok("secretary", "gb_secretary", other_secretary=404))],
    "pledges:review": [
        page(pk("bp"), ok(*OFFICE, other_secretary=404)),
        page(pk("md"), answers(404, member=403, secretary=302, gb_secretary=302)),
    ],
    "pledges:evidence": [page(pk("pledge_evidence"), answers(200, other_secretary=404))],
    "pledges:comment": [
        page(pk("bp"), answers(200, other_secretary=404)),
        page(pk("gbp"), answers(200, other_secretary=404)),
    ],
    "pledges:comment_answer": [
        page(pk("pledge_comment"), answers(403, other_secretary=404, secretary=200, gb_secretary=200)),
        page(pk("gb_comment"), answers(403, other_secretary=404, gb_secretary=200)),
    ],
    "pledges:comment_hide": [page(pk("pledge_comment"), ok(*OFFICE, other_secretary=404))],
    # --- activity record and compliance
    "activities:list": [page(none, ok(*VIEWERS))],
    "activities:create": [page(none, ok(*SECRETARIES))],
    "activities:create_kind": [
        page(
            lambda w: {"branch": w.branch.pk, "kind": Kind.COMMITTEE_MEETING},
            ok("secretary", "gb_secretary", other_secretary=404),
        ),
        page(
            lambda w: {"branch": w.branch.pk, "kind": Kind.NEWS_REPORT},
            ok("secretary", "gb_secretary", other_secretary=404),
        ),
        page(
            lambda w: {"branch": w.foreign_branch.pk, "kind": Kind.NEWS_REPORT},
            answers(403, **dict.fromkeys(SECRETARIES, 404)),
        ),
    ],
    "activities:detail": [
        page(pk("record"), ok(*VIEWERS, other_secretary=404)),
        page(pk("foreign_record"), ok("admin", **FOREIGN)),
        page(gbpk("gb_record"), ok(*VIEWERS, secretary=404, other_secretary=404)),
        page(gbpk("other_gb_record"), ok(*INSTITUTE, **dict.fromkeys(SECRETARIES, 404))),
    ],
    "activities:edit": [
        page(gbpk("gb_record"), ok("gb_secretary", secretary=404, other_secretary=404)),
        page(pk("record"), ok("secretary", "gb_secretary", other_secretary=404)),
        page(pk("foreign_record"), answers(403, **dict.fromkeys(SECRETARIES, 404))),
    ],
    "activities:archive": [
        page(pk("record"), ok("secretary", "gb_secretary", other_secretary=404)),
        page(pk("foreign_record"), answers(403, **dict.fromkeys(SECRETARIES, 404))),
        action(pk("record"), may("secretary", "gb_secretary", other_secretary=404), allowed_get=200),
        action(gbpk("gb_record"), may("gb_secretary", secretary=404, other_secretary=404), allowed_get=200),
    ],
    "activities:restore": [
        page(pk("archived_record"), ok("secretary", "gb_secretary", *OFFICE, other_secretary=404)),
        page(gbpk("gb_archived_record"), ok("gb_secretary", *OFFICE, secretary=404, other_secretary=404)),
        page(pk("record"), answers(403, **dict.fromkeys((*SECRETARIES, *OFFICE), 404))),  # not archived
        page(
            pk("foreign_archived_record"),
            answers(403, admin=200, **dict.fromkeys((*SECRETARIES, "office"), 404)),
        ),
        action(
            pk("archived_record"),
            may("secretary", "gb_secretary", *OFFICE, other_secretary=404),
            allowed_get=200,
        ),
    ],
    "activities:evidence": [
        page(pk("record_file"), ok(*VIEWERS, other_secretary=404)),
        page(gbpk("gb_record_file"), ok(*VIEWERS, secretary=404, other_secretary=404)),
        page(pk("foreign_record_file"), ok("admin", **FOREIGN)),
    ],
    "activities:signin_manage": [
        page(pk("record"), ok("secretary", "gb_secretary", other_secretary=404)),
        page(gbpk("gb_record"), ok("gb_secretary", secretary=404, other_secretary=404)),
        page(pk("foreign_record"), answers(403, **dict.fromkeys(SECRETARIES, 404))),
    ],
    "activities:signin_arrivals": [
        page(pk("record"), ok("secretary", "gb_secretary", other_secretary=404)),
        page(pk("foreign_record"), answers(403, **dict.fromkeys(SECRETARIES, 404))),
    ],
    "activities:signin_enter": [page(none, ok(*EVERYONE))],
    "activities:signin": [page(lambda w: {"code": "ABCDEF"}, ok(*EVERYONE))],
    "activities:compliance": [page(none, ok(*VIEWERS))],
    # --- a general branch's own records (issue 20; objects built on first use:
    # tests/test_activities_general_branch_support.py). A branch's secretary does not reach them.
    "activities:create_gb_kind": [
        page(gbkind("gb", Kind.GB_COMMITTEE_MEETING), ok("gb_secretary", secretary=404, other_secretary=404)),
        page(gbkind("gb", Kind.PARTY_CLASS), ok("gb_secretary", secretary=404, other_secretary=404)),
        page(gbkind("gb", Kind.COMMITTEE_MEETING), answers(403, **dict.fromkeys(SECRETARIES, 404))),
        page(gbkind("other_gb", Kind.NEWS_REPORT), answers(403, **dict.fromkeys(SECRETARIES, 404))),
    ],
    "activities:general_branch_owes": [
        page(gbpk("gb"), ok(*VIEWERS, secretary=404, other_secretary=404)),
        page(gbpk("other_gb"), ok(*INSTITUTE, **dict.fromkeys(SECRETARIES, 404))),
    ],
    "activities:frequencies_general_branch": [
        page(pk("year"), ok(*OFFICE)),
        page(pk("foreign_year"), ok("admin", office=404)),
    ],
    # --- experience exchange (objects built on first use: tests/test_exchange_support.py)
    "exchange:list": [page(none, ok(*EVERYONE))],
    "exchange:create": [page(none, ok(*SECRETARIES, "office"))],
    "exchange:detail": [
        page(xpk("article"), ok(*EVERYONE)),
        page(xpk("foreign_article"), answers(404, admin=200)),
    ],
    "exchange:file": [page(xpk("article_file"), ok(*EVERYONE))],
    "exchange:mark": [action(xpk("article"), may(*OFFICE))],
    "exchange:meeting_create": [page(none, ok("office"))],
    "exchange:meeting": [page(xpk("meeting"), ok(*EVERYONE))],
    "activities:overdue": [page(none, ok(*VIEWERS))],
    "activities:branch_owes": [
        page(pk("branch"), ok(*VIEWERS, other_secretary=404)),
        page(pk("other_branch"), ok(*VIEWERS, secretary=404, gb_secretary=404)),
        page(pk("foreign_branch"), ok("admin", **FOREIGN)),
    ],
    "activities:frequencies": [
        page(pk("year"), ok(*OFFICE)),
        page(pk("foreign_year"), ok("admin", office=404)),
    ],
    "activities:reading_lists": [page(none, ok(*VIEWERS))],
    "activities:reading_list_create": [page(none, ok(*OFFICE))],
    "activities:reading_list_detail": [
        page(pk("reading_list"), ok(*VIEWERS)),
        page(pk("foreign_reading_list"), ok("admin", **FOREIGN)),
    ],
    "activities:reading_list_edit": [
        page(pk("reading_list"), ok(*OFFICE)),
        page(pk("foreign_reading_list"), ok("admin", office=404)),
    ],
    "activities:vanguard": [page(none, ok(*VIEWERS))],
    "activities:team_create": [page(none, ok(*SECRETARIES))],
    "activities:team_detail": [page(pk("team"), ok(*VIEWERS, other_secretary=404))],
    "activities:team_edit": [page(pk("team"), ok("secretary", "gb_secretary", other_secretary=404))],
    "activities:champion_create": [page(none, ok(*SECRETARIES))],
    "activities:champion_detail": [page(pk("champion"), ok(*VIEWERS, other_secretary=404))],
    "activities:champion_edit": [page(pk("champion"), ok("secretary", "gb_secretary", other_secretary=404))],
    # --- duty reports (李书记's report of 第一党支部, submitted)
    "duties:list": [page(none, ok(*VIEWERS))],
    "duties:form": [page(none, ok(*OFFICE))],
    "duties:meeting_create": [page(none, ok(*OFFICE))],
    "duties:start": [action(none, may(default=404, staff=403, member=403))],
    "duties:detail": [page(DUTY, ok("secretary", *INSTITUTE, gb_secretary=404, other_secretary=404))],
    "duties:edit": [page(DUTY, answers(403, secretary=302, gb_secretary=404, other_secretary=404))],
    "duties:return": [page(DUTY, ok(*OFFICE, gb_secretary=404, other_secretary=404))],
    "duties:grade": [page(DUTY, ok(*OFFICE, gb_secretary=404, other_secretary=404))],
    "duties:reopen": [page(DUTY, answers(403, office=302, admin=302, gb_secretary=404, other_secretary=404))],
    "duties:rate": [page(DUTY, ok(*OFFICE, gb_secretary=404, other_secretary=404))],
    "duties:attachment": [
        page(
            lambda w: {"pk": duties_world(w).duty_attachment.pk},
            ok("secretary", *INSTITUTE, gb_secretary=404, other_secretary=404),
        )
    ],
    # --- notices (addressed here to 第一党总支 and 机关党支部; the office's institute sees all)
    "notices:list": [page(none, ok(*EVERYONE))],
    "notices:create": [page(none, ok(*OFFICE))],
    "notices:detail": [
        page(
            lambda w: {"pk": notices_world(w).notice.pk},
            ok("gb_secretary", "other_secretary", *INSTITUTE, default=404),
        ),
        page(lambda w: {"pk": notices_world(w).foreign.pk}, ok("admin", default=404)),
    ],
    "notices:confirm": [
        action(
            lambda w: {"pk": notices_world(w).notice.pk},
            may("gb_secretary", "other_secretary", default=404, office=403, leader=403, admin=403),
        ),
        action(lambda w: {"pk": notices_world(w).foreign.pk}, may(default=404, admin=403)),
    ],
    "notices:attachment": [
        page(
            lambda w: {"pk": notices_world(w).attachment.pk},
            ok("gb_secretary", "other_secretary", *INSTITUTE, default=404),
        )
    ],
    # --- supervision
    "supervision:inspection_list": [page(none, ok(*VIEWERS))],
    "supervision:inspection_create": [page(none, ok(*OFFICE))],
    "supervision:inspection_detail": [
        page(pk("inspection"), ok(*VIEWERS, other_secretary=404)),
        page(pk("other_inspection"), ok(*VIEWERS, secretary=404, gb_secretary=404)),
        page(pk("foreign_inspection"), ok("admin", **FOREIGN)),
    ],
    "supervision:inspection_edit": [
        page(pk("inspection"), ok(*OFFICE)),
        page(pk("foreign_inspection"), ok("admin", office=404)),
    ],
    "supervision:inspection_reply": [
        page(pk("inspection"), ok("secretary", "gb_secretary", other_secretary=404)),
        page(pk("other_inspection"), ok("other_secretary", secretary=404, gb_secretary=404)),
    ],
    "supervision:inspection_close": [
        page(pk("replied"), ok(*OFFICE)),
        page(pk("foreign_inspection"), ok("admin", office=404)),
    ],
    "supervision:evidence": [page(pk("inspection_evidence"), ok(*VIEWERS, other_secretary=404))],
    "supervision:meeting_list": [page(none, ok(*INSTITUTE))],
    "supervision:meeting_create": [page(none, ok(*OFFICE))],
    "supervision:meeting_detail": [
        page(lambda w: {"pk": meeting_of(w).pk}, ok(*INSTITUTE)),
        page(lambda w: {"pk": meeting_of(w, foreign=True).pk}, ok("admin", office=404, leader=404)),
    ],
    "supervision:meeting_correct": [
        page(lambda w: {"pk": meeting_of(w).pk}, ok(*OFFICE)),
        page(lambda w: {"pk": meeting_of(w, foreign=True).pk}, ok("admin", office=404)),
    ],
    "supervision:draw_list": [page(none, ok(*INSTITUTE))],
    "supervision:draw_create": [page(none, ok(*OFFICE))],
    "supervision:draw_detail": [page(pk("draw"), ok(*INSTITUTE))],
    "supervision:round_list": [page(none, ok(*INSTITUTE))],
    "supervision:round_create": [page(none, ok(*OFFICE))],
    "supervision:round_detail": [page(pk("round"), ok(*INSTITUTE))],
    "supervision:round_conclude": [page(pk("round"), ok(*OFFICE))],
    "supervision:round_reopen": [
        page(pk("round"), ok(*OFFICE)),
        action(pk("round"), may(*OFFICE), allowed_get=200),
    ],
    # --- semi-annual reviews
    "supervision:review_index": [page(none, ok("member", *VIEWERS))],
    "supervision:review_round_list": [page(none, ok(*INSTITUTE))],
    "supervision:review_round_open": [page(none, ok(*OFFICE))],
    "supervision:review_round_detail": [page(pk("review_round"), ok(*INSTITUTE))],
    "supervision:review_drafts": [page(pk("review_round"), ok(*OFFICE))],
    "supervision:review_detail": [
        page(pk("branch_review"), ok(*VIEWERS, member=404, other_secretary=404)),
        page(pk("member_review"), ok("member", *VIEWERS, other_secretary=404)),
        page(pk("member2_review"), ok(*VIEWERS, member=404, secretary=404, other_secretary=404)),
        # a general branch's own review: its secretary and the institute, not its branches' people
        page(pk("gb_review"), ok("gb_secretary", *INSTITUTE, default=404, staff=403)),
    ],
    "supervision:review_write": [
        page(pk("branch_review"), ok(*OFFICE)),
        page(pk("member_review"), ok(*OFFICE)),
        page(pk("gb_review"), ok(*OFFICE)),
    ],
    "supervision:review_acknowledge": [
        page(pk("branch_review"), ok("secretary", "gb_secretary", member=404, other_secretary=404)),
        page(pk("member_review"), ok("member", secretary=404, gb_secretary=404, other_secretary=404)),
        page(pk("gb_review"), ok("gb_secretary", member=404, secretary=404, other_secretary=404)),
    ],
    # --- mass evaluation, suggestions, democratic appraisal
    "evaluations:list": [page(none, ok(*VIEWERS))],
    "evaluations:create": [page(none, ok(*OFFICE))],
    "evaluations:detail": [
        page(pk("evaluation"), ok(*OFFICE)),
        page(pk("foreign_evaluation"), ok("admin", office=404)),
    ],
    "evaluations:edit": [
        page(pk("draft_evaluation"), ok(*OFFICE)),
        page(pk("foreign_evaluation"), ok(admin=302, office=404)),  # open: not editable any more
    ],
    "evaluations:open": [
        action(pk("draft_evaluation"), may(*OFFICE)),
        action(pk("foreign_evaluation"), may("admin", office=404)),
    ],
    "evaluations:close": [action(pk("evaluation"), may(*OFFICE))],
    "evaluations:results": [
        page(pk("evaluation"), ok(*VIEWERS, other_secretary=404)),
        page(pk("other_evaluation"), ok(*VIEWERS, secretary=404, gb_secretary=404)),
        page(pk("foreign_evaluation"), ok("admin", **FOREIGN)),
        page(pk("draft_evaluation"), answers(403, **dict.fromkeys(VIEWERS, 404))),
    ],
    "evaluations:moderation": [page(none, ok(*OFFICE)), action(none, may(*OFFICE), allowed_get=200)],
    "evaluations:mine": [page(none, ok(*EVERYONE))],
    # voters: the department's staff and the branch's members
    "evaluations:ballot": [
        page(pk("evaluation"), answers(404, staff=200, member=200, secretary=200)),
        page(pk("foreign_evaluation"), answers(404)),
        page(pk("draft_evaluation"), answers(404)),
    ],
    "evaluations:thanks": [page(pk("evaluation"), answers(404, staff=200, member=200, secretary=200))],
    "evaluations:suggestions": [page(none, ok(*EVERYONE))],
    "evaluations:suggestion_new": [page(none, ok(*EVERYONE))],
    "evaluations:suggestion_thanks": [page(none, ok(*EVERYONE))],
    "evaluations:suggestion_inbox": [page(none, ok(*SECRETARIES, *OFFICE))],
    "evaluations:suggestion_handle": [
        page(pk("suggestion"), ok(*SECRETARIES, *OFFICE, other_secretary=404)),
        page(pk("office_suggestion"), ok(*OFFICE, secretary=404, gb_secretary=404, other_secretary=404)),
        page(
            pk("foreign_suggestion"),
            ok("admin", secretary=404, gb_secretary=404, other_secretary=404, office=404),
        ),
    ],
    "evaluations:appraisal_list": [page(none, ok(*VIEWERS))],
    "evaluations:appraisal_start": [page(none, ok(*SECRETARIES))],
    "evaluations:appraisal_detail": [
        page(pk("appraisal"), ok(*VIEWERS, other_secretary=404)),
        page(pk("foreign_appraisal"), ok("admin", **FOREIGN)),
    ],
    "evaluations:appraisal_assessment": [
        page(pk("appraisal_self"), ok("secretary", "gb_secretary", other_secretary=404)),
    ],
    "evaluations:appraisal_advance": [
        action(pk("appraisal"), may("secretary", "gb_secretary", other_secretary=404)),
    ],
    "evaluations:appraisal_grades": [
        page(pk("appraisal"), ok("secretary", "gb_secretary", other_secretary=404))
    ],
    "evaluations:appraisal_vote": [
        page(pk("appraisal"), answers(404, member=200, secretary=200)),
        page(pk("foreign_appraisal"), answers(404)),
    ],
    "evaluations:appraisal_thanks": [page(pk("appraisal"), answers(404, member=200, secretary=200))],
    "evaluations:appraisal_own": [page(pk("appraisal_self"), answers(404, member=200, secretary=200))],
    # --- scoring and awards (the office runs them; the leading group reads and approves)
    "awards:index": [page(none, answers(302))],  # sent on to the current year
    "awards:year": [
        page(year, ok("member", *VIEWERS)),
        page(lambda w: {"year": w.foreign_year.pk}, ok("admin", default=404, staff=403)),
    ],
    "awards:rubric": [page(year, ok("member", *VIEWERS))],
    "awards:rubric_item_new": [page(lambda w: {"year": w.year.pk, "kind": "branch"}, ok(*OFFICE))],
    "awards:rubric_item": [
        page(lambda w: {"year": w.year.pk, "kind": "member", "pk": w.rubric_item.pk}, ok(*OFFICE))
    ],
    "awards:settings": [page(year, ok(*OFFICE))],
    "awards:entries": [page(year, ok(*OFFICE))],
    "awards:entry_withdraw": [action(lambda w: {"year": w.year.pk, "pk": w.score_entry.pk}, may(*OFFICE))],
    "awards:entry_file": [
        page(pk("score_entry"), ok("member", "secretary", "gb_secretary", *INSTITUTE, other_secretary=404)),
    ],
    "awards:run": [page(year, ok(*OFFICE))],
    "awards:run_approve": [action(year, may(*OFFICE), allowed_get=200)],  # a page: what approving freezes
    "awards:run_reopen": [action(year, may("leader"))],  # awards.approve: the leading group
    "awards:ranking": [page(year, ok("member", *VIEWERS))],
    "awards:line": [
        page(pk("branch_line"), ok(*VIEWERS, other_secretary=404, member=404)),
        page(pk("member_line"), ok("member", *VIEWERS, other_secretary=404)),
        page(pk("other_line"), ok(*VIEWERS, secretary=404, gb_secretary=404, member=404)),
    ],
    # A general branch's score: the institute and the general branch's own secretary
    "awards:general_branch_line": [
        page(pk("gb_line"), ok("gb_secretary", *INSTITUTE, secretary=404, other_secretary=404, member=404)),
    ],
    "awards:cycle": [page(year, ok(*INSTITUTE))],
    # awards.view: the leading group may act on the cycle too (approve); the services decide which step
    "awards:cycle_action": [action(lambda w: {"year": w.year.pk, "action": "notice"}, may(*INSTITUTE))],
    "awards:candidate_add": [action(year, may(*OFFICE))],
    "awards:candidate_remove": [action(lambda w: {"year": w.year.pk, "pk": w.candidate.pk}, may(*OFFICE))],
    "awards:objection_answer": [action(lambda w: {"year": w.year.pk, "pk": w.objection.pk}, may(*OFFICE))],
    "awards:notice": [page(year, ok(*EVERYONE))],
    "awards:model_posts": [page(year, ok(*INSTITUTE))],
    "awards:model_post_action": [
        action(lambda w: {"year": w.year.pk, "pk": w.model_post.pk, "action": "withdraw"}, may(*OFFICE)),
    ],
    # --- reports: everyone has a download centre; a report needs the permission of its data; a
    # file is its requester's only (the office's here), anyone else's answer is 404
    "audit_log": [page(none, ok(*OFFICE))],  # audit.view: the office and the administrator
    "reports:centre": [page(none, ok(*EVERYONE))],
    "reports:request": [action(lambda w: {"kind": "award_list"}, may(*INSTITUTE))],
    # names suggested while typing a branch: only to those who may see the report's data
    "reports:lookup": [page(lambda w: {"kind": "activity_ledger", "field": "branch"}, ok(*VIEWERS))],
    "reports:status": [page(pk("report_file"), ok("office", default=404))],
    "reports:download": [page(pk("report_file"), ok("office", default=404))],
    "reports:dashboard": [page(none, ok("member", *VIEWERS))],
}


def url_patterns(resolver=None, namespace="", prefix=""):
    """Every URL pattern of the project as (name, route), named "namespace:name"."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, route)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None, route)


def project_url_names():
    """The names of every pattern outside ``NOT_OURS``, and the routes of unnamed ones."""
    names, unnamed = set(), []
    for name, route in url_patterns():
        if route.startswith(NOT_OURS):
            continue
        if name is None:
            unnamed.append(route)
        else:
            names.add(name)
    return names, unnamed


def test_every_url_pattern_has_an_entry():
    names, unnamed = project_url_names()
    assert not unnamed, f"URL patterns without a name (give them one and an entry in GRID): {unnamed}"
    missing = sorted(names - set(GRID))
    assert not missing, f"URL patterns without an entry in the permission grid: {', '.join(missing)}"
    stale = sorted(set(GRID) - names)
    assert not stale, f"entries of the permission grid for URLs that no longer exist: {', '.join(stale)}"


def test_not_ours_leaves_out_only_djangos_own_pages():
    left_out = {name for name, route in url_patterns() if route.startswith(NOT_OURS)}
    assert len(left_out) > 10 and all(
        name is None
        or name.startswith("admin:")
        or name in {"login", "logout", "set_language"}
        or name.startswith("password_")
        for name in left_out
    ), left_out


# --- The world every role is asked about -------------------------------------------------------


@pytest.fixture
def world(institute):
    """One object of each kind, in and out of each role's reach (the per-app grids' fixtures,
    built once and without their overlaps)."""
    i = institute
    office, admin = i.office.user, i.admin
    w = SimpleNamespace(**vars(i))
    w.year = CampaignYear.objects.get(campaign=i.campaign, year=2026)
    w.foreign_year = CampaignYear.objects.get(campaign=make_campaign(i.other_committee), year=2026)
    member3 = make_member(i.branch, name="黄党员", user=True)
    foreign_member_with_login = make_secretary(i.foreign_branch, name="外所书记")

    w.roster_import = RosterImport.objects.create(
        committee=i.committee, file="roster-imports/x.xlsx", original_name="x.xlsx", uploaded_by=office
    )
    w.foreign_roster_import = RosterImport.objects.create(
        committee=i.other_committee, file="roster-imports/y.xlsx", original_name="y.xlsx", uploaded_by=admin
    )

    # Pledges
    w.bp = make_pledge(i, "branch", "published", items=2)
    w.pledge_evidence = step(i, w.bp, "progress", files=[pdf("总结.pdf")]).evidence.get()
    w.pledge_comment = w.bp.comments.create(text="请问进度如何", author=i.staff.user)
    w.md = make_pledge(i, "member", "draft")
    w.b2 = make_pledge(i, "branch", "submitted", branch=i.branch2)
    w.m3 = make_pledge(i, "member", "approved", person=member3)
    w.foreign_pledge = Pledge.objects.create(
        kind="branch",
        campaign_year=w.foreign_year,
        branch=i.foreign_branch,
        status="published",
        created_by=admin,
    )
    PledgeItem.objects.create(pledge=w.foreign_pledge, text="外所里程碑", criterion="leadership")
    # The general branch's own pledge, published, and its correction waiting for the office.
    w.gbp = make_pledge(i, "general_branch", "published")
    w.gbc = step(i, w.gbp, "correct")
    step(i, w.gbc, "submit")
    w.gb_comment = w.gbp.comments.create(text="讲党课安排在几月？", author=i.member.user)

    # Activity record
    def record(branch, actor):
        return activity_services.record_create(
            branch=branch,
            kind=Kind.GENERAL_MEETING,
            access=compute_access(actor),
            held_on=datetime.date(2026, 3, 1),
            title="党员大会",
            files=[SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF\n")],
            today=datetime.date(2026, 11, 1),
        )

    def reading_list(campaign_year, actor):
        return activity_services.reading_list_save(
            reading_list=None,
            campaign_year=campaign_year,
            access=compute_access(actor),
            title="推荐书目",
            note="",
            published_on=datetime.date(2026, 3, 1),
            books=[{"title": "红岩"}],
        )

    w.record = record(i.branch, i.secretary.user)
    w.record_file = w.record.evidence.get()
    w.foreign_record = record(i.foreign_branch, foreign_member_with_login.user)
    w.foreign_record_file = w.foreign_record.evidence.get()
    w.archived_record = activity_services.record_archive(
        record=record(i.branch, i.secretary.user), access=compute_access(i.secretary.user), reason="重复"
    )
    w.foreign_archived_record = activity_services.record_archive(
        record=record(i.foreign_branch, foreign_member_with_login.user),
        access=compute_access(foreign_member_with_login.user),
        reason="重复",
    )
    w.reading_list = reading_list(w.year, office)
    w.foreign_reading_list = reading_list(w.foreign_year, admin)
    w.team = activity_services.vanguard_team_save(
        team=None,
        branch=i.branch,
        campaign_year=w.year,
        access=compute_access(i.secretary.user),
        name="攻关团队",
        topic="课题",
        leader=i.secretary,
        members=[i.member],
    )
    w.champion = activity_services.research_champion_save(
        champion=None,
        branch=i.branch,
        campaign_year=w.year,
        access=compute_access(i.secretary.user),
        person=i.member,
        achievement="攻克难题",
    )

    # Supervision and semi-annual reviews
    w.inspection = inspect(i, i.branch, year=w.year)
    w.other_inspection = inspect(i, i.other_branch, year=w.year)
    w.replied = inspect(
        i, i.branch, year=w.year, inspected_on=datetime.date(2026, 2, 1), due=datetime.date(2026, 3, 1)
    )
    supervision_services.inspection_reply(
        access=compute_access(i.secretary.user), inspection=w.replied, reply="已整改", files=[pdf()]
    )
    w.inspection_evidence = w.replied.evidence.get()
    w.foreign_inspection = inspect(i, i.foreign_branch, year=w.foreign_year, actor=admin)
    w.draw = supervision_services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=w.year,
        population_kind=SpotCheckDraw.Population.BRANCHES,
        sample_size=2,
    )
    w.round = supervision_services.supervision_round_create(
        access=compute_access(office), campaign_year=w.year, quarter=1
    )
    w.review_round, _ = supervision_services.review_round_open(campaign_year=w.year, half=1)
    w.branch_review = write(review_of(w.review_round, branch=i.branch), office)
    w.member_review = write(review_of(w.review_round, person=i.member), office)
    w.member2_review = write(review_of(w.review_round, person=i.member2), office)
    w.gb_review = write(review_of(w.review_round, general_branch=i.gb), office)

    # Mass evaluation, suggestions, democratic appraisal
    make_staff(i.committee, i.department, 5)
    w.evaluation = create_evaluation(i)
    w.draft_evaluation = create_evaluation(i, title="draft", open_it=False)
    w.other_evaluation = create_evaluation(
        i, title="机关", branches=[i.other_branch], members=[], voter_branches=[]
    )
    foreign_department = DepartmentFactory(committee=i.other_committee, name="外所事业部")
    make_staff(i.other_committee, foreign_department, 5, prefix="外所职工", users=False)
    w.foreign_evaluation = evaluation_services.evaluation_create(
        campaign_year=w.foreign_year,
        title="外所群众评议",
        opens_on=today() - datetime.timedelta(days=1),
        closes_on=today() + datetime.timedelta(days=10),
        branches=[i.foreign_branch],
        voter_departments=[foreign_department],
        access=compute_access(admin),
    )
    evaluation_services.evaluation_open(evaluation=w.foreign_evaluation, access=compute_access(admin))
    w.suggestion = evaluation_services.suggestion_submit(
        committee=i.committee, branch=i.branch, text="给支部"
    )
    w.office_suggestion = evaluation_services.suggestion_submit(
        committee=i.committee, branch=None, text="给办公室"
    )
    w.foreign_suggestion = evaluation_services.suggestion_submit(
        committee=i.other_committee, branch=i.foreign_branch, text="外所"
    )
    w.appraisal = evaluation_services.appraisal_start(
        branch=i.branch, campaign_year=w.year, access=compute_access(i.secretary.user)
    )
    for _ in range(2):  # to the vote
        evaluation_services.appraisal_advance(appraisal=w.appraisal, access=compute_access(i.secretary.user))
    w.appraisal_self = evaluation_services.appraisal_start(
        branch=i.branch,
        campaign_year=campaign_year_create(campaign=i.campaign, year=2025),
        access=compute_access(i.secretary.user),
    )
    w.foreign_appraisal = Appraisal.objects.create(
        branch=i.foreign_branch, campaign_year=w.foreign_year, started_by=admin
    )

    # Scoring and awards
    rubric = award_selectors.rubric_for(campaign_year=w.year, kind=Subject.MEMBER)
    w.rubric_item = rubric.items.filter(source="office_points").first()
    w.report_file = ReportFile.objects.create(
        requested_by=office,
        kind="pledge_register",
        format="xlsx",
        title="承诺登记表",
        state=ReportFile.State.DONE,
        file=ContentFile(b"PK-test", name="register.xlsx"),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    w.score_entry = award_services.entry_create(
        item=w.rubric_item,
        branch=i.branch,
        person=i.member,
        points=Decimal("3"),
        reason="有依据",
        file=pdf("依据.pdf"),
        access=compute_access(office),
    )
    award_services.scoring_run_request(
        campaign_year=w.year, access=compute_access(office), as_of=datetime.date(2026, 3, 31)
    )
    run = award_services.scoring_run_execute(campaign_year=w.year)
    w.branch_line = run.lines.get(kind=Subject.BRANCH, branch=i.branch)
    w.member_line = run.lines.get(person=i.member)
    w.other_line = run.lines.get(kind=Subject.BRANCH, branch=i.other_branch)
    w.gb_line = run.general_branch_lines.get(general_branch=i.gb)
    # Approved as recorded: the world keeps an appraisal and evaluations open for their own pages,
    # which the approval service rightly refuses (awards.selectors.approval_preview).
    type(run).objects.filter(pk=run.pk).update(status="approved", approved_by=office)
    cycle = award_services.cycle_create(campaign_year=w.year, access=compute_access(office))
    w.candidate = Candidate.objects.create(
        cycle=cycle,
        title="five_good_branch",
        branch=i.branch,
        line=w.branch_line,
        source="added",
        reason="排名",
    )
    w.objection = Objection.objects.create(
        candidate=w.candidate,
        text="情况不实",
        submitted_on=datetime.date(2026, 5, 1),
        submitted_by=i.staff.user,
    )
    w.model_post = award_services.model_post_designate(
        person=i.member,
        post_name="技术攻关岗",
        designated_on=datetime.date(2026, 1, 1),
        term_ends_on=datetime.date(2026, 12, 31),
        access=compute_access(office),
    )
    return w


def database_state() -> dict:
    """Rows per table of the project's models (history tables included), in one query."""
    existing = set(connection.introspection.table_names())
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.app_label not in {"sessions", "admin"}}
        & existing
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def ask(client, world, role, name, case):
    """The answer to one (URL, role); a refused action must change nothing."""
    url = reverse(name, kwargs=case.kwargs(world))
    expected = case.expected[role]
    if case.method == "get" or expected == ALLOWED:
        response = client.get(url)
        want = case.allowed_get if expected == ALLOWED else expected
        if response.status_code != want:
            return f"GET {name} {url}: {response.status_code}, expected {want}"
        if role == "anonymous" and want == LOGIN and not response["Location"].startswith(reverse("login")):
            return f"GET {name} {url}: sent to {response['Location']}, not to the login page"
        if role != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
            # Every page and file of a logged-in person holds personal data: never kept.
            return f"GET {name} {url}: Cache-Control {response.get('Cache-Control')!r}, not no-store"
        return None
    before = database_state()
    response = client.post(url, {"reason": "x", "answer": "x", "title": "five_good_branch", "line": 1})
    if response.status_code != expected:
        return f"POST {name} {url}: {response.status_code}, expected {expected}"
    changed = {
        t: (n, m) for (t, n), m in zip(before.items(), database_state().values(), strict=True) if n != m
    }
    if changed:
        return f"POST {name} {url}: refused but changed {changed}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_permission_grid(client, world, users, role):
    """Every URL of ``GRID`` as ``role`` (one set-up per role; all failures listed together)."""
    if users[role] is not None:
        client.force_login(users[role])
    failures = [
        failure
        for name, cases in GRID.items()
        for case in cases
        if (failure := ask(client, world, role, name, case))
    ]
    assert not failures, f"{role}:\n" + "\n".join(failures)
