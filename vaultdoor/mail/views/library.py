"""Console pages for what campaigns are made from: message templates, landing pages and
training modules. Each has a list (`view_`), a page (`view_`), New (`add_`), Edit
(`change_`) and Delete (`delete_`); every save goes through the model's rules
(`vaultdoor.mail.library`) and is audited (`mail.message_template_change`,
`mail.landing_page_change`, `mail.training_module_change`), and so is every delete
(`mail.*_delete`), refused while a campaign or a training assignment uses the thing.

Previews never let a template's HTML run in the console: a message template is shown as its
escaped source and as the text a reader would see (the analyser's reduction of the HTML, with
the links it holds), never rendered. A landing page and a training module are plain text and
are shown through the same escaping templates the landing view and the portal use.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from vaultdoor.console import once
from vaultdoor.console.views.base import ConsoleView, ObjectDetailView, ObjectListView

from ..filters import (
    LandingPageFilterForm,
    MessageTemplateFilterForm,
    SendingProfileFilterForm,
    TrainingModuleFilterForm,
)
from ..forms import (
    LandingPageForm,
    LibraryDeleteForm,
    MessageTemplateForm,
    SendingProfileForm,
    TrainingModuleForm,
)
from ..library import InUse, delete_audited, in_use, save_audited
from ..models import LandingPage, MessageTemplate, SendingProfile, TrainingModule

__all__ = [
    "LandingPageDeleteView",
    "LandingPageDetailView",
    "LandingPageEditView",
    "LandingPageListView",
    "MessageTemplateDeleteView",
    "MessageTemplateDetailView",
    "MessageTemplateEditView",
    "MessageTemplateListView",
    "SendingProfileDeleteView",
    "SendingProfileDetailView",
    "SendingProfileEditView",
    "SendingProfileListView",
    "TrainingModuleDeleteView",
    "TrainingModuleDetailView",
    "TrainingModuleEditView",
    "TrainingModuleListView",
    "template_preview",
]

PREVIEW_TEXT = 20_000


def template_preview(html_body: str) -> dict[str, Any]:
    """A message template as a reader would read it, without rendering it: the visible text
    of its HTML and its links (target and visible text), by the same parser the gateway
    scans mail with. The page escapes all of it."""
    from email.message import EmailMessage

    from vaultdoor.mail.analysis import parse_message
    from vaultdoor.mail.analysis.message import MessageParseError

    message = EmailMessage()
    message["Subject"] = "preview"
    message.set_content(html_body, subtype="html")
    try:
        parsed = parse_message(message.as_bytes())
    except MessageParseError as exc:
        return {"error": str(exc), "text": "", "links": []}
    links = [{"url": link.url[:500], "text": link.text[:200]} for link in parsed.links[:50]]
    return {"error": "", "text": parsed.text[:PREVIEW_TEXT], "links": links}


class _Kind:
    """One kind of thing the pages manage."""

    model: ClassVar[Any]
    url: ClassVar[str]  # the URL names' stem: <url>_list, <url>, <url>_new, _edit, _delete
    noun: ClassVar[str]

    @classmethod
    def perm(cls, verb: str) -> str:
        return f"mail.{verb}_{cls.model._meta.model_name}"

    @classmethod
    def audit_context(cls, obj: Any) -> dict[str, Any]:
        """What the audit event says besides the name and what changed."""
        return {}


class _TemplateKind(_Kind):
    model = MessageTemplate
    url = "message_template"
    noun = "message template"
    form = MessageTemplateForm


class _LandingKind(_Kind):
    model = LandingPage
    url = "landing_page"
    noun = "landing page"
    form = LandingPageForm


class _ModuleKind(_Kind):
    model = TrainingModule
    url = "training_module"
    noun = "training module"
    form = TrainingModuleForm


class _ProfileKind(_Kind):
    model = SendingProfile
    url = "sending_profile"
    noun = "sending profile"
    form = SendingProfileForm

    @classmethod
    def audit_context(cls, obj: Any) -> dict[str, Any]:
        # Where mail goes and as whom; the password is never known here (a file: reference).
        return {"host": obj.host, "port": obj.port, "security": obj.security,
                "username": obj.username}


class _List(ObjectListView):
    kind: ClassVar[type[_Kind]]
    nav = "mail_campaigns"
    template_name = "mail/library/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["kind_url"] = self.kind.url
        context["noun"] = self.kind.noun
        context["can_add"] = self.request.user.has_perm(self.kind.perm("add"))
        return context


class MessageTemplateListView(_List):
    """Message templates, with how many campaigns were made from each."""

    kind = _TemplateKind
    model = MessageTemplate
    permission_required = ("mail.view_messagetemplate",)
    filter_form = MessageTemplateFilterForm
    table_template = "mail/tables/message_templates.html"
    title = "Message templates"
    empty_hint = "No message template yet: New message template makes the first."

    def queryset_for(self) -> QuerySet:
        return MessageTemplate.objects.defer("html_body").annotate(
            used=Count("campaigns")).order_by("name")


class LandingPageListView(_List):
    """Hosted landing pages, with how many campaigns use each."""

    kind = _LandingKind
    model = LandingPage
    permission_required = ("mail.view_landingpage",)
    filter_form = LandingPageFilterForm
    table_template = "mail/tables/landing_pages.html"
    title = "Landing pages"
    empty_hint = "No landing page yet: New landing page makes the first."

    def queryset_for(self) -> QuerySet:
        return LandingPage.objects.annotate(used=Count("campaigns")).order_by("name")


class TrainingModuleListView(_List):
    """Training modules, with how many assignments each has."""

    kind = _ModuleKind
    model = TrainingModule
    permission_required = ("mail.view_trainingmodule",)
    filter_form = TrainingModuleFilterForm
    table_template = "mail/tables/training_modules.html"
    title = "Training modules"
    empty_hint = "No training module yet: New training module makes the first."

    def queryset_for(self) -> QuerySet:
        return TrainingModule.objects.defer("body").annotate(
            assigned=Count("assignments")).order_by("title")


class SendingProfileListView(_List):
    """Sending profiles (SMTP servers), with how many campaigns use each."""

    kind = _ProfileKind
    model = SendingProfile
    permission_required = ("mail.view_sendingprofile",)
    filter_form = SendingProfileFilterForm
    table_template = "mail/tables/sending_profiles.html"
    title = "Sending profiles"
    empty_hint = "No sending profile yet: New sending profile makes the first."

    def queryset_for(self) -> QuerySet:
        return SendingProfile.objects.annotate(used=Count("campaigns")).order_by("name")


class _Detail(ObjectDetailView):
    kind: ClassVar[type[_Kind]]
    nav = "mail_campaigns"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["kind_url"] = self.kind.url
        context["noun"] = self.kind.noun
        context["can_change"] = self.request.user.has_perm(self.kind.perm("change"))
        context["can_delete"] = self.request.user.has_perm(self.kind.perm("delete"))
        return context


class MessageTemplateDetailView(_Detail):
    """A template: its escaped source and what a reader would see (never rendered)."""

    kind = _TemplateKind
    model = MessageTemplate
    permission_required = ("mail.view_messagetemplate",)
    template_name = "mail/library/message_template_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["preview"] = template_preview(self.object.html_body)
        return context


class LandingPageDetailView(_Detail):
    """A landing page: its texts, and the form as people get it (inputs without a name)."""

    kind = _LandingKind
    model = LandingPage
    permission_required = ("mail.view_landingpage",)
    template_name = "mail/library/landing_page_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["inputs"] = self.object.inputs()
        return context


class TrainingModuleDetailView(_Detail):
    """A training module's text, as the portal shows it (escaped paragraphs)."""

    kind = _ModuleKind
    model = TrainingModule
    permission_required = ("mail.view_trainingmodule",)
    template_name = "mail/library/training_module_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from ..training import paragraphs

        context = super().get_context_data(**kwargs)
        context["paragraphs"] = paragraphs(self.object)
        context["title"] = self.object.title
        return context


class SendingProfileDetailView(_Detail):
    """A profile: where, how protected, as whom, and the password's file reference (the
    password itself is never read by the console)."""

    kind = _ProfileKind
    model = SendingProfile
    permission_required = ("mail.view_sendingprofile",)
    template_name = "mail/library/sending_profile_detail.html"


class _Edit(ConsoleView, View):
    """New (no pk: `add_`) or Edit (`change_`): the form, saved and audited when valid."""

    kind: ClassVar[type[_Kind]]
    template_name = "mail/library/form.html"
    nav = "mail_campaigns"

    def get_permission_required(self) -> tuple[str, ...]:
        return (self.kind.perm("change" if self.kwargs.get("pk") else "add"),)

    def _object(self) -> Any:
        pk = self.kwargs.get("pk")
        return get_object_or_404(self.kind.model, pk=pk) if pk else None

    def _page(self, request: HttpRequest, form: Any, obj: Any, status: int = 200) -> HttpResponse:
        noun = self.kind.noun
        title = f"Edit {noun}: {obj}" if obj is not None else f"New {noun}"
        context = {"form": form, "title": title, "object": obj, "noun": noun,
                   "kind_url": self.kind.url, **self.navigation()}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._object()
        return self._page(request, self.kind.form(instance=obj), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._object()
        form = self.kind.form(request.POST, instance=obj)
        if not form.is_valid():
            return self._page(request, form, obj, status=400)
        saved = form.save(commit=False)
        save_audited(saved, actor=request.user.get_username(), request=request,
                     changed=sorted(form.changed_data) if obj is not None else None,
                     **self.kind.audit_context(saved))
        verb = "changed" if obj is not None else "created"
        messages.success(request, f"The {self.kind.noun} {saved} was {verb}.")
        return HttpResponseRedirect(reverse(f"console:mail:{self.kind.url}", args=[saved.pk]))


class MessageTemplateEditView(_Edit):
    model = MessageTemplate
    kind = _TemplateKind


class LandingPageEditView(_Edit):
    model = LandingPage
    kind = _LandingKind


class TrainingModuleEditView(_Edit):
    model = TrainingModule
    kind = _ModuleKind


class SendingProfileEditView(_Edit):
    model = SendingProfile
    kind = _ProfileKind


class _Delete(ConsoleView, View):
    """Delete: a confirmation page (GET changes nothing; it says up front when campaigns or
    assignments use the thing) and its POST, which deletes through
    `library.delete_audited` with the reason given.

    Needs `view_` and `delete_` of the model, the CSRF token and the page's single-use
    `once` (a resent form deletes nothing more), as the console's other confirmed actions.
    No fresh second factor: as the admin's step-up list and mail's other actions (quarantine
    delete, campaign cancel, library edits) have it, campaign material is not among the
    step-up changes; the delete is audited and refused while anything uses the thing. In
    use: a 400 page saying what uses it, nothing changed."""

    kind: ClassVar[type[_Kind]]
    template_name = "mail/library/delete.html"
    nav = "mail_campaigns"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.model = cls.kind.model  # what the permission matrix reads

    def get_permission_required(self) -> tuple[str, ...]:
        return (self.kind.perm("view"), self.kind.perm("delete"))

    def _page(self, request: HttpRequest, obj: Any, form: LibraryDeleteForm, *,
              problem: str = "", status: int = 200) -> HttpResponse:
        context = {"form": form, "object": obj, "noun": self.kind.noun,
                   "kind_url": self.kind.url, "title": f"Delete {self.kind.noun}: {obj}",
                   "problem": problem, "once": once.issue(request), **self.navigation()}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.kind.model, pk=pk)
        return self._page(request, obj, LibraryDeleteForm(), problem=in_use(obj))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.kind.model, pk=pk)
        form = LibraryDeleteForm(request.POST)
        problem = in_use(obj)  # said first: a spent form must not hide why it cannot go
        if problem or not form.is_valid():
            return self._page(request, obj, form, problem=problem, status=400)
        listing = reverse(f"console:mail:{self.kind.url}_list")
        if not once.spend(request, request.POST.get("once", "")):
            messages.info(request, "That form was sent already: nothing was deleted again.")
            return HttpResponseRedirect(listing)
        try:
            deleted = delete_audited(obj, actor=request.user.get_username(), request=request,
                                     reason=form.cleaned_data["reason"],
                                     **self.kind.audit_context(obj))
        except InUse as exc:
            return self._page(request, obj, form, problem=str(exc), status=400)
        if deleted:
            messages.success(request, f"The {self.kind.noun} {obj} was deleted.")
        else:
            messages.info(request, f"The {self.kind.noun} {obj} was deleted already.")
        return HttpResponseRedirect(listing)


class MessageTemplateDeleteView(_Delete):
    kind = _TemplateKind


class LandingPageDeleteView(_Delete):
    kind = _LandingKind


class TrainingModuleDeleteView(_Delete):
    kind = _ModuleKind


class SendingProfileDeleteView(_Delete):
    kind = _ProfileKind
