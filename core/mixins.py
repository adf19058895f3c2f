from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


class AccessRequiredMixin(LoginRequiredMixin):
    """The one permission check of every view: log in, then hold ``permission``.

    ``request.access`` is the reader's ``accounts.access.Access``, set (lazily) by
    ``accounts.middleware.AccessMiddleware`` as Django's own middleware sets ``request.user``:
    so every app's views, the organisation's included, check permissions here without this
    bottom layer importing the roles.

    Object views narrow their queryset with ``self.restrict`` so that an object outside the
    user's part of the tree is not found (404) rather than forbidden."""

    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a permission")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = request.access
        if not self.access.has(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def restrict(
        self, queryset, *, branch: str = "branch", committee: str | None = None, person=None, permission=None
    ):
        return self.access.restrict(
            queryset, permission or self.permission, branch=branch, committee=committee, person=person
        )
