"""Pages of random spot checks (随机抽查): about a whole institute."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from core.forms import add_service_errors

from .. import selectors, services
from ..forms import DrawForm
from ..models import SpotCheckDraw
from .base import SupervisionMixin


class DrawMixin(SupervisionMixin):
    model = SpotCheckDraw
    section = "draws"
    institute_only = True
    scope_permission = "supervision.view"


class DrawListView(DrawMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/draw_list.html"
    context_object_name = "draws"
    paginate_by = 50

    def get_queryset(self):
        return selectors.draw_list(self.objects())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_draw=self.access.reaches_institute("supervision.change"), **kwargs
        )


class DrawCreateView(DrawMixin, FormView):
    permission = "supervision.change"
    template_name = "supervision/draw_form.html"
    form_class = DrawForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "years": self.years()}

    def get_initial(self):
        return {"campaign_year": self.current_year(self.years()), "sample_size": 3}

    def form_valid(self, form):
        try:
            draw = services.spot_check_draw_create(access=self.access, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The sample has been drawn and recorded."))
        return redirect("supervision:draw_detail", draw.pk)


class DrawDetailView(DrawMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/draw_detail.html"
    context_object_name = "draw"

    def get_queryset(self):
        return self.objects().select_related("campaign_year", "drawn_by__person")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draw = self.object
        rederived = services.spot_check_redraw(draw)
        context.update(
            selectors.draw_members(draw),
            rederived=rederived,
            reproducible=rederived == draw.result,
            inspections=draw.inspections.select_related("branch").order_by(
                "branch__sort_order", "branch__name_key"
            ),
        )
        return context
