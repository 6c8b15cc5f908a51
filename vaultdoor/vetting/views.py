"""Console pages for vetting and the lifecycle (under /vetting/ in the console).

Who sees what: `vetting.view_backgroundcheck` opens the pages (HR/vetting officers, security
admins, auditors); findings, which are sensitive personal data, only with
`vetting.view_finding` (not auditors); every decision needs its own permission and a fresh
second factor (step-up), and goes through the services, which audit it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, View

from vaultdoor.console.charts import bar_chart, hbar_chart
from vaultdoor.console.filters import PersonFilterForm
from vaultdoor.console.views.base import ConsoleView, ObjectDetailView, ObjectListView
from vaultdoor.identity.stepup import has_recent_second_factor, step_up_redirect
from vaultdoor.people.models import Person

from . import forms
from .models import AdverseAction, BackgroundCheck, Finding, Termination
from .services import is_cleared
from .services.decisions import (
    VettingError,
    adjudicate,
    decide_adverse_action,
    record_check,
    record_finding,
    withdraw_finding,
)
from .services.effective import counts_as_cleared
from .services.lifecycle import LifecycleError, mark_onboarding, onboarding_checklist, terminate
from .services.summary import summarise

__all__ = ["PersonActionView", "PersonVettingView", "TerminateView", "VettingListView"]

VIEW = "vetting.view_backgroundcheck"


class VettingListView(ObjectListView):
    """Everyone's vetting at a glance: status, expiry, and checks waiting on a decision."""

    model = Person
    permission_required = (VIEW,)
    filter_form = PersonFilterForm
    table_template = "vetting/tables/people.html"
    nav = "vetting"
    title = "Vetting"

    def queryset_for(self) -> QuerySet:
        return Person.objects.select_related("site").order_by("site__code", "code")

    template_name = "vetting/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for person in context["object_list"]:
            person.sensitive_ok = counts_as_cleared(person, now)
        # Everyone current, whatever the filters: the picture of the whole centre.
        summary = summarise(self.queryset_for().filter(active=True), now)
        context.update(
            summary=summary,
            clearance_chart=hbar_chart(
                [summary.cleared, *(n for _, n in summary.not_cleared)],
                ["Cleared", *(reason for reason, _ in summary.not_cleared)]),
            rescreen_chart=bar_chart([n for _, n in summary.rescreens],
                                     [f"{month:%b}" for month, _ in summary.rescreens],
                                     height=180),
        )
        return context


class PersonVettingView(ObjectDetailView):
    """One person's checks, reviews, adverse actions, onboarding and termination."""

    model = Person
    permission_required = (VIEW,)
    template_name = "vetting/person.html"
    nav = "vetting"

    def queryset_for(self) -> QuerySet:
        return Person.objects.select_related("site", "role")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person: Person = self.object
        user = self.request.user
        checks = list(BackgroundCheck.objects.filter(person=person)
                      .prefetch_related("adjudications", "adverse_actions")
                      .order_by("-created", "-pk"))
        see_findings = user.has_perm("vetting.view_finding")
        if see_findings:
            findings: dict[int, list[Finding]] = {}
            for finding in Finding.objects.filter(background_check__person=person):
                findings.setdefault(finding.background_check_id, []).append(finding)
            for check in checks:
                check.finding_list = findings.get(check.pk, [])  # type: ignore[attr-defined]
        context.update(
            person=person, checks=checks, cleared=is_cleared(person),
            see_findings=see_findings,
            waiting=AdverseAction.objects.filter(background_check__person=person,
                                                 stage="waiting"),
            termination=Termination.objects.filter(person=person).first(),
            stepped_up=has_recent_second_factor(self.request),
            check_form=forms.CheckForm(), finding_form=forms.FindingForm(),
            adjudication_form=forms.AdjudicationForm(),
            final_form=forms.FinalDecisionForm(), onboarding_form=forms.OnboardingForm(),
        )
        if user.has_perm("vetting.view_onboardingitem"):
            context["checklist"] = onboarding_checklist(person)
        return context


class PersonActionView(ConsoleView, View):
    """POST one decision or lifecycle step about a person, then back to their page."""

    http_method_names = ["post"]
    # action -> (permission, needs a fresh second factor, form)
    ACTIONS: ClassVar[dict[str, tuple[str, bool, type]]] = {
        "check": ("vetting.add_backgroundcheck", False, forms.CheckForm),
        "finding": ("vetting.add_finding", True, forms.FindingForm),
        "withdraw": ("vetting.change_finding", True, forms.WithdrawForm),
        "adjudicate": ("vetting.add_adjudication", True, forms.AdjudicationForm),
        "final": ("vetting.change_adverseaction", True, forms.FinalDecisionForm),
        "onboarding": ("vetting.add_onboardingitem", False, forms.OnboardingForm),
    }

    def get_permission_required(self) -> tuple[str, ...]:
        action = self.ACTIONS.get(self.kwargs.get("action", ""))
        return (VIEW, action[0]) if action else (VIEW,)

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if action not in self.ACTIONS:
            raise Http404
        _permission, step_up, form_class = self.ACTIONS[action]
        person = get_object_or_404(Person.objects.select_related("site"), pk=pk)
        back = reverse("console:vetting:person", args=[person.pk])
        if step_up and not has_recent_second_factor(request):
            return step_up_redirect(request)
        form = form_class(request.POST)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}"
                                 for name, errors in form.errors.items())
            messages.error(request, f"Not saved: {problems}")
            return HttpResponseRedirect(back)
        try:
            done = self._do(request, person, action, form.cleaned_data)
        except (VettingError, LifecycleError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(back)

    def _do(self, request: HttpRequest, person: Person, action: str,
            data: dict[str, Any]) -> str:
        actor = request.user.get_username()
        common = {"actor": actor, "request": request}

        def check() -> BackgroundCheck:
            return get_object_or_404(BackgroundCheck, pk=data["check_id"], person=person)

        if action == "check":
            record_check(person, provider=data["provider"], scope=data["scope"],
                         reference=data["reference"], requested=data["requested"], **common)
            return "Background check requested."
        if action == "finding":
            record_finding(check(), category=data["category"], notes=data["notes"], **common)
            return "Finding recorded."
        if action == "withdraw":
            finding = get_object_or_404(Finding, pk=data["finding_id"],
                                        background_check__person=person)
            withdraw_finding(finding, reason=data["reason"], **common)
            return "Finding withdrawn."
        if action == "adjudicate":
            adjudicate(check(), outcome=data["outcome"], reason=data["reason"],
                       completed=data["completed"], **common)
            return "Review recorded."
        if action == "final":
            adverse = get_object_or_404(AdverseAction, pk=data["action_id"],
                                        background_check__person=person)
            decide_adverse_action(adverse, outcome=data["outcome"], reason=data["reason"],
                                  response=data["response"], **common)
            return "Final decision recorded."
        mark_onboarding(person, data["item"], done=data["done"], note=data["note"], **common)
        return "Onboarding updated."


class TerminateView(ConsoleView, DetailView):
    """Confirm, then terminate a person in one action (needs a fresh second factor)."""

    model = Person
    permission_required = (VIEW, "vetting.add_termination")
    template_name = "vetting/terminate.html"
    nav = "vetting"
    title = "Terminate"

    def get_queryset(self) -> QuerySet:
        return Person.objects.select_related("site", "role").filter(~Q(status="terminated"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.object
        context.setdefault("form", forms.TerminateForm(person_code=person.code))
        context.update(
            person=person, cards=person.cards.exclude(status="revoked").count(),
            account=getattr(person, "account", None),
            stepped_up=has_recent_second_factor(self.request),
        )
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = self.get_object()
        person = self.object
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        form = forms.TerminateForm(request.POST, person_code=person.code)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            done = terminate(person, actor=request.user.get_username(),
                             reason=form.cleaned_data["reason"], request=request)
        except LifecycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{person.code} terminated; every revocation is in the "
                                      f"audit log under correlation id {done.correlation_id}.")
        return HttpResponseRedirect(reverse("console:vetting:person", args=[person.pk]))
