from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from . import selectors
from .access import Role, get_access
from .models import Notification
from .services import notifications_mark_read


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role lands on its own page of things to do; a person with several roles can switch
    between them with ``?role=``."""

    def get(self, request, *args, **kwargs):
        self.access = get_access(request)
        wanted = request.GET.get("role")
        self.role = wanted if wanted in self.access.roles else self.access.primary_role
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return [f"accounts/home_{self.role}.html" if self.role else "accounts/home_none.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role"] = self.role
        context["role_choices"] = [(r, Role(r).label) for r in self.access.roles]
        context.update(selectors.home_context(access=self.access, role=self.role))
        return context


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
