"""Pages of notices: thin, each declares its permission; what a reader may see is decided by
``selectors.visible`` (another institute's or another unit's notice is a 404), what they may
do by ``workflow.NOTICE``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches.models import PartyCommittee
from core.audit import object_history
from core.evidence import evidence_response
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .forms import NoticeForm
from .models import NoticeAttachment
from .workflow import INSTITUTE_PERMISSION, ISSUE_PERMISSION, NOTICE, institutes

READ = "campaign.view"  # every role holds it; the notices found are the reader's (selectors.visible)


class NoticeListView(AccessRequiredMixin, ListView):
    permission = READ
    template_name = "notices/notice_list.html"
    context_object_name = "notices"
    paginate_by = 50

    def get_queryset(self):
        return selectors.notice_list(self.access)

    def get_context_data(self, **kwargs):
        every, ids = institutes(self.access, ISSUE_PERMISSION)
        return super().get_context_data(can_issue=every or bool(ids), **kwargs)


class NoticeCreateView(AccessRequiredMixin, FormView):
    permission = ISSUE_PERMISSION
    template_name = "notices/notice_form.html"
    form_class = NoticeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.access.has(self.permission):
            every, ids = institutes(request.access, self.permission)
            if not every and not ids:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def committees(self):
        every, ids = institutes(self.access, self.permission)
        committees = PartyCommittee.objects.all() if every else PartyCommittee.objects.filter(pk__in=ids)
        return list(committees.order_by("pk"))

    @cached_property
    def corrects(self):
        pk = self.request.GET.get("corrects", "")
        if not pk.isdigit():
            return None
        return get_object_or_404(
            selectors.visible(self.access).filter(committee__in=self.committees), pk=int(pk)
        )

    @cached_property
    def committee(self):
        if self.corrects is not None:
            return self.corrects.committee
        return self.committees[0] if self.committees else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": selectors.addressable([self.committee.pk])}

    def get_initial(self):
        if self.corrects is not None:
            old = self.corrects
            rows = list(old.addressees.all())
            return {
                "title": _("Correction: %(title)s") % {"title": old.title},
                "issuing_body": old.issuing_body,
                "body": old.body,
                "general_branches": [r.general_branch_id for r in rows if r.general_branch_id],
                "branches": [r.branch_id for r in rows if r.branch_id],
                "departments": [r.department_id for r in rows if r.department_id],
            }
        general, branches, departments = services.default_addressees(self.committee)
        return {
            "issuing_body": self.committee.name,
            "general_branches": list(general),
            "branches": list(branches),
            "departments": list(departments),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(corrects=self.corrects, **kwargs)

    def form_valid(self, form):
        try:
            notice = services.notice_issue(
                access=self.access, committee=self.committee, corrects=self.corrects, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The notice has been issued."))
        return redirect("notices:detail", notice.pk)


class NoticeDetailView(AccessRequiredMixin, DetailView):
    permission = READ
    template_name = "notices/notice_detail.html"
    context_object_name = "notice"

    def get_queryset(self):
        return selectors.notice_detail(self.access, selectors.visible(self.access))

    def get_context_data(self, **kwargs):
        notice = self.object
        mine = selectors.reader_rows(self.access, notice)
        notice.unread_rows = [r for r in mine if r.confirmed_at is None]
        actions = NOTICE.actions(self.access, notice)
        rows = list(notice.addressees.all())
        context = super().get_context_data(
            actions=actions,
            my_rows=mine,
            sees_all=self.sees_all(notice),
            unread=[r for r in rows if r.confirmed_at is None],
            read=[r for r in rows if r.confirmed_at is not None],
            **kwargs,
        )
        if "correct" in actions and self.access.has("history.view"):
            context["history"] = object_history(notice)
        return context

    def sees_all(self, notice) -> bool:
        """Whether the reader sees every addressee (the office, the leading group)."""
        every, ids = institutes(self.access, INSTITUTE_PERMISSION)
        return every or notice.committee_id in ids


class NoticeConfirmView(AccessRequiredMixin, View):
    permission = READ
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = get_object_or_404(selectors.visible(self.access), pk=pk)
        try:
            n = services.notice_confirm(access=self.access, notice=notice)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("You have confirmed reading the notice (%(n)s units).") % {"n": n})
        return redirect("notices:detail", notice.pk)


class AttachmentView(AccessRequiredMixin, DetailView):
    """An attachment, only for those who may read the notice (never a public media URL)."""

    permission = READ

    def get_queryset(self):
        return NoticeAttachment.objects.filter(notice__in=selectors.visible(self.access))

    def get(self, request, *args, **kwargs):
        return evidence_response(self.get_object())
