"""The agent's own pages of the self-service portal, login only (no console permission):

- `/m/mine/`: recent messages the gateway delivered to the person, each with a report button;
- `/m/training/`: the training modules assigned to them, each readable and marked complete;
- `/m/reports/`: the messages they reported and what the security team decided.

Every query is narrowed to the signed-in person: someone else's assignment is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..choices import ReportStatusChoices
from ..models import CampaignTarget, Delivery, PhishReport, TrainingAssignment
from ..services import one_click_report
from ..tokens import ReportToken
from ..training import TrainingError, complete, paragraphs

__all__ = ["MyMailView", "MyReportsView", "MyTrainingView", "TrainingModuleView"]

SHOWN = 50


class MyMailView(LoginRequiredMixin, TemplateView):
    """GET: the person's latest messages; POST `ref`: report one of them.

    The list mixes what the gateway delivered with the awareness-campaign messages sent to
    the person, alike: a simulated phish is reported the way a real one is (and credited to
    the campaign, not queued for triage)."""

    template_name = "mail/my_mail.html"
    http_method_names = ["get", "post"]

    def _mine(self):
        address = (self.request.user.email or "").strip()
        if not address:
            return Delivery.objects.none()
        return Delivery.objects.filter(recipient__iexact=address)

    def _my_exercises(self) -> QuerySet:
        person_id = _person_id(self.request)
        if person_id is None:
            return CampaignTarget.objects.none()
        return (CampaignTarget.objects.filter(person_id=person_id, sent_at__isnull=False)
                .exclude(message_ref="").select_related("campaign"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        deliveries = list(self._mine().order_by("-received_at")[:SHOWN])
        reported = set(PhishReport.objects.filter(ref__in=[d.ref for d in deliveries])
                       .values_list("ref", flat=True))
        rows = [{"ref": d.ref, "at": d.received_at,
                 "sender": d.from_header or d.envelope_sender, "subject": d.subject,
                 "reported": d.ref in reported} for d in deliveries]
        # A campaign message that came through the gateway is a delivery already.
        through_gateway = {d.message_id.strip().strip("<>").partition("@")[0]
                           for d in deliveries if d.message_id}
        rows += [{"ref": t.message_ref, "at": t.sent_at, "sender": t.campaign.from_address,
                  "subject": t.campaign.subject, "reported": t.reported_at is not None}
                 for t in self._my_exercises().order_by("-sent_at")[:SHOWN]
                 if t.message_ref not in through_gateway]
        rows.sort(key=lambda row: row["at"], reverse=True)
        context.update(rows=rows[:SHOWN], address=self.request.user.email)
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        from ..campaigns import report_from_portal

        ref = str(request.POST.get("ref", ""))[:64]
        delivery = self._mine().filter(ref=ref).first()
        if delivery is not None:
            _report, created = one_click_report(ReportToken(ref=delivery.ref,
                                                            recipient=delivery.recipient),
                                                request)
        else:
            target = get_object_or_404(self._my_exercises(), message_ref=ref)
            created = report_from_portal(target, user=request.user, request=request)
        messages.success(request, "Reported. Thank you." if created else "Already reported.")
        return HttpResponseRedirect(reverse("mail:mine"))


def _person_id(request: HttpRequest) -> int | None:
    return getattr(getattr(request.user, "account", None), "person_id", None)


def my_assignments(request: HttpRequest) -> QuerySet:
    person_id = _person_id(request)
    if person_id is None:
        return TrainingAssignment.objects.none()
    return (TrainingAssignment.objects.filter(person_id=person_id)
            .select_related("module", "target__campaign"))


class MyTrainingView(LoginRequiredMixin, TemplateView):
    """The person's training: open modules first, then completed ones."""

    template_name = "mail/my_training.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assignments = list(my_assignments(self.request).order_by("-assigned_at")[:SHOWN])
        context.update(
            title="My training",
            open=[a for a in assignments if a.completed_at is None],
            done=[a for a in assignments if a.completed_at is not None],
            has_person=_person_id(self.request) is not None,
        )
        return context


class TrainingModuleView(LoginRequiredMixin, TemplateView):
    """GET: one assigned module to read; POST: mark it complete (audited)."""

    template_name = "mail/training_module.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assignment = get_object_or_404(my_assignments(self.request), pk=self.kwargs["pk"])
        context.update(title=assignment.module.title, assignment=assignment,
                       module=assignment.module, paragraphs=paragraphs(assignment.module))
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = get_object_or_404(my_assignments(request), pk=pk)
        try:
            done = complete(assignment, user=request.user, request=request)
        except TrainingError as exc:  # pragma: no cover - the queryset already narrows
            messages.warning(request, str(exc))
            return HttpResponseRedirect(reverse("mail:my_training"))
        messages.success(request, f"Completed: {assignment.module.title}." if done
                         else "You had completed this module already.")
        return HttpResponseRedirect(reverse("mail:my_training"))


OUTCOMES = {
    ReportStatusChoices.NEW: "Waiting for the security team",
    ReportStatusChoices.PHISHING: "Phishing: confirmed. Thank you for reporting it.",
    ReportStatusChoices.SPAM: "Spam: unwanted, but not an attack.",
    ReportStatusChoices.BENIGN: "Safe: a legitimate message.",
}


class MyReportsView(LoginRequiredMixin, TemplateView):
    """Messages the person reported, with the security team's outcome, and the simulated
    phishing messages (campaigns) they spotted and reported."""

    template_name = "mail/my_reports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person_id = _person_id(self.request)
        mine = Q(user=user)
        address = (user.email or "").strip()
        if address:
            mine |= Q(reporter__iexact=address)
        if person_id is not None:
            mine |= Q(person_id=person_id)
        reports = list(PhishReport.objects.filter(mine).defer("raw")
                       .order_by("-reported_at")[:SHOWN])
        for report in reports:
            report.outcome = OUTCOMES.get(report.status, report.get_status_display())
        exercises = (list(CampaignTarget.objects.filter(person_id=person_id,
                                                        reported_at__isnull=False)
                          .select_related("campaign").order_by("-reported_at")[:SHOWN])
                     if person_id is not None else [])
        context.update(title="My reports", reports=reports, exercises=exercises)
        return context
