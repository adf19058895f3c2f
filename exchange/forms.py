from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import evidence
from formguard.forms import GuardedForm, SubmitOnceMixin

OFFICE_CHOICE = "office"


class ArticleForm(SubmitOnceMixin, GuardedForm):
    on_behalf_of = forms.ChoiceField(label=gettext_lazy("Published by"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("A good method or experience: what was done, how, and what came of it."),
    )
    files = evidence.EvidenceFilesField(label=gettext_lazy("Attachments"), required=False)

    def __init__(self, *args, office: bool, branches, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(OFFICE_CHOICE, _("Campaign office"))] if office else []
        choices += [(str(b.pk), b.name) for b in branches]
        self.fields["on_behalf_of"].choices = choices
        self.fields["files"].help_text = _(
            "PDF, images (JPG, PNG, GIF) or Office files of at most %(size)s each; you may choose several."
        ) % {"size": filesizeformat(evidence.MAX_SIZE)}


class MeetingForm(SubmitOnceMixin, GuardedForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100, required=False)
    articles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Articles presented"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    branches = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Branches attending"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label=gettext_lazy("Other attendees"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Leaders, the office and guests, by name."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, articles, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["articles"].queryset = articles
        self.fields["articles"].label_from_instance = lambda a: a.title
        self.fields["branches"].queryset = branches
        self.fields["branches"].label_from_instance = lambda b: b.name
