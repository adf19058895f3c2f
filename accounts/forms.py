from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from core.audit import audited_models
from formguard.forms import GuardedForm

from .security import REFUSAL

DATE = {"type": "date"}


class AuditFilterForm(GuardedForm):
    """Filters of the audit log (GET); every field optional."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    user = forms.CharField(
        label=_("User"), required=False, max_length=150, help_text=_("Login name or the person's name")
    )
    model = forms.ChoiceField(label=_("Kind of record"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if name == "model" else "form-control form-control-sm"
            )
        self.fields["model"].choices = [("", _("All"))] + sorted(
            ((a.label, str(a.model._meta.verbose_name)) for a in audited_models()), key=lambda c: c[1]
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


# --- Sign-in and passwords (Django's forms with the text checks of every form) ------------------


class LoginForm(GuardedForm, AuthenticationForm):
    def get_invalid_login_error(self):
        # A directory user the system refuses is told why (accounts.ldap), not "wrong password".
        refusal = getattr(self.request, REFUSAL, None)
        if refusal:
            return forms.ValidationError(refusal, code="refused")
        return super().get_invalid_login_error()


class _ClearsMustChange:
    """The login has chosen its own password: no longer sent to the change form."""

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit)


class OwnPasswordChangeForm(_ClearsMustChange, GuardedForm, PasswordChangeForm):
    pass


class ResetSetPasswordForm(_ClearsMustChange, GuardedForm, SetPasswordForm):
    pass


class ResetRequestForm(GuardedForm, PasswordResetForm):
    pass


# --- The office's login pages ---------------------------------------------------------------


class LoginFilterForm(GuardedForm):
    """Filters of the login list (GET); every field optional."""

    STATES = [
        ("", _("All")),
        ("none", _("No login")),
        ("active", _("Active")),
        ("inactive", _("Deactivated")),
    ]
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    q = forms.CharField(label=_("Name, employee number or login name"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("Login"), required=False, choices=STATES)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *units]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )


class LoginIssueForm(GuardedForm):
    """Whom to give logins: a whole unit, or people ticked in the list (``person``)."""

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    person = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.MultipleHiddenInput, label=_("People")
    )

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Choose a unit")), *units]
        self.fields["unit"].widget.attrs["class"] = "form-select"
        self.fields["person"].queryset = people
        self.fields["person"].error_messages["invalid_choice"] = _(
            "One of the people chosen is not in your institute's roster."
        )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("unit") and not data.get("person"):
            raise forms.ValidationError(_("Choose a unit, or tick people in the list of logins."))
        return data
