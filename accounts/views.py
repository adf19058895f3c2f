from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from core import audit
from core.mixins import AccessRequiredMixin

from .forms import AuditFilterForm
from .models import Notification, User
from .services import notifications_mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's own inbox; there is nothing of anyone else's to see, so no permission string."""

    template_name = "accounts/notifications.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)

    def post(self, request, *args, **kwargs):
        notifications_mark_read(user=request.user)
        return redirect("notifications")


class AuditLogView(AccessRequiredMixin, TemplateView):
    """Who changed what and when, across every kind of record of the reader's institute (the
    administrator: of all). Read-only; see ``core.audit``."""

    permission = "audit.view"
    template_name = "accounts/audit_log.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        scopes = self.access.reach(self.permission)
        committees = (
            None if ("all", None) in scopes else sorted(pk for kind, pk in scopes if kind == "committee")
        )
        users = None
        if filters.get("user"):
            wanted = filters["user"].strip()
            users = list(
                User.objects.filter(Q(username=wanted) | Q(person__name__icontains=wanted)).values_list(
                    "pk", flat=True
                )
            )
        union = audit.history_union(
            committees=committees,
            model=filters.get("model") or "",
            users=users,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        paginator = Paginator(union if union is not None else [], self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            entries=audit.entries(list(page.object_list)),
        )
        return context
