from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formguard.forms import GuardedForm, SubmitOnceMixin

from .models import Branch, BranchCategory, Department, PartyGroup


class PersonFilterForm(GuardedForm):
    q = forms.CharField(label=_("Name or employee number"), required=False, max_length=50)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Everyone")), ("member", _("Party members")), ("staff", _("Staff"))],
    )

    def __init__(self, *args, branches, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["department"].queryset = departments


class BranchFilterForm(GuardedForm):
    q = forms.CharField(
        label=_("Branch name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or part of it")}),
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories"))] + BranchCategory.choices
    )


class TransferForm(SubmitOnceMixin, GuardedForm):
    branch = forms.ModelChoiceField(label=_("To branch"), queryset=Branch.objects.none())
    party_group = forms.ModelChoiceField(
        label=_("Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    on = forms.DateField(
        label=_("Transfer date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["party_group"].queryset = PartyGroup.objects.filter(
            branch__in=branches, is_active=True
        ).select_related("branch")
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        group, branch = data.get("party_group"), data.get("branch")
        if group and branch and group.branch_id != branch.pk:
            self.add_error("party_group", _("This party group belongs to another branch."))
        return data
