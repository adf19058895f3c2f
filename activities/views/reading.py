"""Pages of the recommended reading lists (推荐书目): published by the campaign office, named by
the records of reading sessions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from campaigns.models import CampaignYear
from core.audit import object_history
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..forms import BookFormSet, ReadingListForm
from ..models import ActivityRecord
from ..workflow import READING_LISTS
from .base import CampaignYearMixin


class ReadingListListView(AccessRequiredMixin, ListView):
    permission = "activities.view"
    template_name = "activities/reading_list_list.html"
    context_object_name = "reading_lists"
    paginate_by = 20

    def get_queryset(self):
        return selectors.reading_list_page(selectors.reading_lists_visible(self.access))

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_publish=self.access.has("activities.reading_list"), **kwargs)


class ReadingListDetailView(AccessRequiredMixin, DetailView):
    permission = "activities.view"
    template_name = "activities/reading_list_detail.html"
    context_object_name = "reading_list"

    def get_queryset(self):
        return selectors.reading_list_page(selectors.reading_lists_visible(self.access))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = selectors.records_of_reading_list(
            selectors.records_reached(self.access, self.permission, ActivityRecord.objects.active()),
            self.object,
        )
        context["can_edit"] = "save" in READING_LISTS.actions(self.access, self.object)
        if self.access.has("history.view"):
            context["history"] = object_history(self.object)
        return context


class ReadingListFormView(AccessRequiredMixin, CampaignYearMixin, TemplateView):
    """Publish a reading list (campaign office), or correct one."""

    permission = "activities.reading_list"
    template_name = "activities/reading_list_form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.reading_lists_to_edit(self.access), pk=self.kwargs["pk"])

    def build(self, obj):
        data = self.request.POST if self.request.method == "POST" else None
        years = CampaignYear.objects.visible_to(self.access, self.permission)
        initial, books = {}, []
        if obj is not None:
            initial = {
                "campaign_year": obj.campaign_year_id,
                "title": obj.title,
                "published_on": obj.published_on,
                "note": obj.note,
            }
            books = [
                {"id": b.pk, "title": b.title, "author": b.author, "note": b.note} for b in obj.books.all()
            ]
        else:
            initial = self.current_year_initial(years)
        form = ReadingListForm(data, initial=initial, years=years, edits=obj)
        formset = BookFormSet(data, initial=books, prefix="books")
        return form, formset

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        form, formset = self.build(obj)
        return self.render_to_response(self.get_context_data(form=form, formset=formset, reading_list=obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form, formset = self.build(obj)
        if form.is_valid() and formset.is_valid():
            existing = {b.pk: b for b in obj.books.all()} if obj else {}
            books = [
                {**f.cleaned_data, "instance": existing.get(f.cleaned_data.get("id"))}
                for f in formset
                if f.cleaned_data
            ]
            try:
                obj = services.reading_list_save(
                    reading_list=obj,
                    access=self.access,
                    books=books,
                    **{k: form.cleaned_data[k] for k in ("campaign_year", "title", "note", "published_on")},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The reading list has been published."))
                return redirect("activities:reading_list_detail", pk=obj.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset, reading_list=obj))
