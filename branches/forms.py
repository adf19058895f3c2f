from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formguard.forms import GuardedForm, SubmitOnceMixin

from .models import Branch, BranchCategory, PartyGroup


def _search(label, *, max_length=100, placeholder=None, datalist=None):
    """A search field of a filter form; with ``datalist``, a name typed in part, with the
    names of that datalist suggested by the browser."""
    attrs = {
        "type": "search",
        "class": "form-control form-control-sm",
        "placeholder": placeholder or label,
        "aria-label": label,
    }
    if datalist:
        attrs.update(list=datalist, autocomplete="off")
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=attrs)
    )


class PersonFilterForm(GuardedForm):
    """Filters of the people list. A group has thousands of branches and departments: they are
    typed (a part of the name), with the names suggested when there are few (``PersonListView``),
    not chosen from selects of thousands of options."""

    q = _search(_("Name or employee number"), max_length=50)
    branch_q = _search(_("Branch"), placeholder=_("All branches"), datalist="branch-names")
    department_q = _search(_("Department"), placeholder=_("All departments"), datalist="department-names")
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Everyone")), ("member", _("Party members")), ("staff", _("Staff"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": _("Kind")}),
    )


class BranchFilterForm(GuardedForm):
    q = _search(_("Branch name"), placeholder=_("Name or part of it"))
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories"))] + BranchCategory.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
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
