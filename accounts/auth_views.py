"""Django's sign-in and password pages, adapted: the directory's refusals shown, a one-time
password changed before anything else, and the password reset by e-mail only where mail is
configured, with its link built from SITE_URL and its form throttled by django-axes."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .forms import LoginForm, OwnPasswordChangeForm, ResetRequestForm, ResetSetPasswordForm
from .middleware import MUST_CHANGE
from .security import lockout_response


class LoginView(auth.LoginView):
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_by_email": settings.PASSWORD_RESET_BY_EMAIL}


class PasswordChangeView(auth.PasswordChangeView):
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "must_change": self.request.session.get(MUST_CHANGE)}

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(MUST_CHANGE, None)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth.PasswordResetView):
    """Where no mail is configured, the page says to ask the office and nothing is sent."""

    form_class = ResetRequestForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            return render(request, "registration/password_reset_office.html")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # Throttled as the login is, by django-axes and with its limits: every request counts as
        # a failed attempt for the address typed and for the client's address, so at most
        # AXES_FAILURE_LIMIT mails per address and per client within the cool-off (and a client
        # guessing addresses is locked out of signing in too).
        credentials = {settings.AXES_USERNAME_FORM_FIELD: request.POST.get("email", "").strip().lower()}
        if AxesProxyHandler.is_locked(request, credentials):
            return lockout_response(request, credentials=credentials)
        user_login_failed.send(sender=type(self), credentials=credentials, request=request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        site = settings.SITE_URL
        form.save(
            domain_override=site.split("://", 1)[-1],
            use_https=site.startswith("https://"),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            # The link is SITE_URL + path, never the request's Host (which a client chooses).
            extra_email_context={"site_url": site, "site_name": str(settings.SITE_TITLE)},
        )
        return super(auth.PasswordResetView, self).form_valid(form)


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
