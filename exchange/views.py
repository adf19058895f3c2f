"""Pages of the experience exchange. Every page reads only the reader's institute
(``restrict_institute`` with ``campaign.view``, which every role holds there); the writes are
decided by ``workflow`` in the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView, View

from branches.models import Branch
from core.evidence import evidence_response
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from . import services
from .forms import OFFICE_CHOICE, ArticleForm, MeetingForm
from .models import Article, ArticleFile, ExchangeMeeting
from .workflow import ARTICLES, is_office

READ = "campaign.view"
ADMINISTRATOR_DOES_NOT_PUBLISH = gettext_lazy(
    "The system administrator sets the system up and does not publish in the experience exchange: "
    "articles and exchange meetings are published by the campaign office or a branch's secretary, "
    "under their own login, and carry their name. Sign in with your own login, or ask the campaign "
    "office to publish it."
)


class ExchangeMixin(AccessRequiredMixin):
    permission = READ

    def articles(self):
        return self.access.restrict_institute(Article.objects.all(), READ, committee="committee")

    def meetings(self):
        return self.access.restrict_institute(ExchangeMeeting.objects.all(), READ, committee="committee")

    def own_committee(self) -> int:
        person = self.access.person
        if person is None:
            # The administrator (a login without a person) configures; an article or a meeting
            # is published on behalf of the office or a branch by someone of the institute, named
            # on it. So the administrator does not publish, and the page says why in words.
            raise PermissionDenied(ADMINISTRATOR_DOES_NOT_PUBLISH)
        return person.committee_id


class ArticleListView(ExchangeMixin, ListView):
    template_name = "exchange/article_list.html"
    context_object_name = "articles"
    paginate_by = 30

    def get_queryset(self):
        return self.articles().select_related("branch")

    def get_context_data(self, **kwargs):
        person = self.access.person
        office = person is not None and is_office(self.access, person.committee_id)
        can_publish = office or (person is not None and self.access.has("activities.change"))
        return super().get_context_data(
            meetings=list(self.meetings().order_by("-held_on", "-pk")[:10]),
            can_publish=can_publish,
            can_record=office,
            **kwargs,
        )


class ArticleCreateView(ExchangeMixin, TemplateView):
    template_name = "exchange/article_form.html"

    def form(self):
        committee_id = self.own_committee()
        office = is_office(self.access, committee_id)
        branches = list(
            self.access.restrict(
                Branch.objects.active().filter(committee_id=committee_id), "activities.change", branch=""
            ).order_by(*Branch.TREE_ORDER)
            if self.access.has("activities.change")
            else []
        )
        if not office and not branches:
            raise PermissionDenied
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return committee_id, branches, ArticleForm(*data, office=office, branches=branches)

    def get(self, request, *args, **kwargs):
        _committee, _branches, form = self.form()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        committee_id, branches, form = self.form()
        if form.is_valid():
            chosen = form.cleaned_data["on_behalf_of"]
            branch = None if chosen == OFFICE_CHOICE else next(b for b in branches if str(b.pk) == chosen)
            try:
                article = services.article_publish(
                    access=self.access,
                    committee_id=committee_id,
                    branch=branch,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The article has been published; the staff of the institute can read it.")
                )
                return redirect(article)
        return self.render_to_response(self.get_context_data(form=form))


class ArticleDetailView(ExchangeMixin, DetailView):
    template_name = "exchange/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            self.articles()
            .select_related("branch", "published_by__person", "marked_by__person")
            .prefetch_related(
                Prefetch("files", queryset=ArticleFile.objects.select_related("uploaded_by")),
                Prefetch("meetings", queryset=ExchangeMeeting.objects.order_by("-held_on")),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_mark="mark" in ARTICLES.actions(self.access, self.object), **kwargs
        )


class ArticleMarkView(ExchangeMixin, View):
    """POST: mark the article for the 交流会 (``mark=1``) or take the mark back."""

    def post(self, request, pk):
        article = get_object_or_404(self.articles(), pk=pk)
        marked = request.POST.get("mark") == "1"
        services.article_mark(access=self.access, article=article, for_meeting=marked)
        messages.success(
            request,
            _("Marked for the exchange meeting.")
            if marked
            else _("No longer marked for the exchange meeting."),
        )
        return redirect(article)


class ArticleFileView(ExchangeMixin, View):
    def get(self, request, pk):
        file = get_object_or_404(ArticleFile.objects.filter(article__in=self.articles()), pk=pk)
        return evidence_response(
            file, inline=file.original_name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png"))
        )


class MeetingCreateView(ExchangeMixin, TemplateView):
    template_name = "exchange/meeting_form.html"

    def form(self):
        committee_id = self.own_committee()
        if not is_office(self.access, committee_id):
            raise PermissionDenied
        articles = Article.objects.filter(committee_id=committee_id).order_by(
            "-for_meeting", "-published_on", "-pk"
        )
        branches = Branch.objects.active().filter(committee_id=committee_id).order_by(*Branch.TREE_ORDER)
        data = (self.request.POST,) if self.request.method == "POST" else ()
        initial = {"held_on": timezone.localdate(), "articles": list(articles.filter(for_meeting=True))}
        return committee_id, MeetingForm(*data, initial=initial, articles=articles, branches=branches)

    def get(self, request, *args, **kwargs):
        _committee, form = self.form()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        committee_id, form = self.form()
        if form.is_valid():
            try:
                meeting = services.meeting_record(
                    access=self.access, committee_id=committee_id, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The exchange meeting has been recorded."))
                return redirect(meeting)
        return self.render_to_response(self.get_context_data(form=form))


class MeetingDetailView(ExchangeMixin, DetailView):
    template_name = "exchange/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return (
            self.meetings()
            .select_related("recorded_by__person")
            .prefetch_related(
                Prefetch("articles", queryset=Article.objects.select_related("branch")),
                Prefetch("branches", queryset=Branch.objects.order_by(*Branch.TREE_ORDER)),
            )
        )
