"""Console pages of mail defence: quarantine (view as text, release, delete), reported
messages (triage, metrics) and link clicks. Each change is audited."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any, ClassVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View

from vaultdoor.console.views.base import ConsoleView, ObjectDetailView, ObjectListView

from ..choices import ClickKindChoices, QuarantineStatusChoices, ReportStatusChoices
from ..filters import ClickFilterForm, QuarantineFilterForm, ReportFilterForm, TrainingFilterForm
from ..mail_settings import queue_dir
from ..models import Campaign, LinkClick, PhishReport, QuarantinedMessage, TrainingAssignment
from ..services import MailActionError, delete_quarantined, release_quarantined, triage_report

__all__ = [
    "CampaignActionView",
    "CampaignCreateView",
    "CampaignCsvView",
    "CampaignDetailView",
    "CampaignListView",
    "CampaignPdfView",
    "ClickListView",
    "QuarantineActionView",
    "QuarantineDetailView",
    "QuarantineListView",
    "ReportDetailView",
    "ReportListView",
    "ReportTriageView",
    "TrainingListView",
    "message_as_text",
]

MAX_TEXT = 100_000


def message_as_text(raw: bytes) -> dict[str, Any]:
    """A message for a person to read safely: headers, the plain text (HTML reduced to its
    text, never rendered), and the attachments by name. The template escapes all of it."""
    from vaultdoor.mail.analysis import parse_message
    from vaultdoor.mail.analysis.message import MessageParseError

    try:
        parsed = parse_message(raw)
    except MessageParseError as exc:
        return {"error": str(exc), "headers": [], "text": "", "attachments": []}
    try:
        headers = message_from_bytes(raw[:256 * 1024], policy=policy.compat32)
        shown = [(name, str(value)[:1000]) for name, value in headers.items()
                 if name.lower() in {"from", "to", "cc", "reply-to", "subject", "date",
                                     "return-path", "message-id", "authentication-results"}]
    except Exception:  # headers too broken to list: the parsed facts still show
        shown = []
    return {
        "error": "",
        "headers": shown,
        "text": parsed.text[:MAX_TEXT],
        "attachments": [a.to_dict() for a in parsed.attachments],
    }


class QuarantineListView(ObjectListView):
    """Messages the gateway held back; held ones first."""

    model = QuarantinedMessage
    permission_required = ("mail.view_quarantinedmessage",)
    filter_form = QuarantineFilterForm
    table_template = "mail/tables/quarantine.html"
    nav = "mail_quarantine"
    title = "Quarantine"

    def queryset_for(self) -> QuerySet:
        return QuarantinedMessage.objects.defer("raw").select_related("handled_by")


class QuarantineDetailView(ObjectDetailView):
    """One held message, as text only, with why it was held and release/delete buttons."""

    model = QuarantinedMessage
    permission_required = ("mail.view_quarantinedmessage",)
    template_name = "mail/quarantine_detail.html"
    nav = "mail_quarantine"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        held: QuarantinedMessage = self.object
        context["title"] = held.subject or "(no subject)"
        context["held"] = held
        context["shown"] = message_as_text(bytes(held.raw)) if held.raw else None
        user = self.request.user
        context["can_release"] = (held.status == QuarantineStatusChoices.HELD
                                  and user.has_perm("mail.change_quarantinedmessage"))
        context["can_delete"] = (held.status == QuarantineStatusChoices.HELD
                                 and user.has_perm("mail.delete_quarantinedmessage"))
        return context


class QuarantineActionView(ConsoleView, View):
    """POST: release (relay it) or delete one held message."""

    http_method_names = ["post"]

    def get_permission_required(self) -> tuple[str, ...]:
        action = self.kwargs.get("action")
        if action == "delete":
            return ("mail.delete_quarantinedmessage",)
        return ("mail.change_quarantinedmessage",)

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        held = get_object_or_404(QuarantinedMessage, pk=pk)
        try:
            if action == "release":
                count = release_quarantined(held, user=request.user, request=request,
                                            queue_dir=queue_dir())
                messages.success(request, f"Released to {count} recipient(s); the gateway "
                                          "relays it with its links still checked.")
            elif action == "delete":
                delete_quarantined(held, user=request.user, request=request)
                messages.success(request, "Message deleted.")
            else:
                return HttpResponse(status=404)
        except MailActionError as exc:
            messages.warning(request, str(exc))
        except OSError as exc:
            messages.error(request, f"Could not queue the message for the gateway: "
                                    f"{exc.strerror or exc}")
        return HttpResponseRedirect(reverse("console:mail:quarantine", args=[held.pk]))


class ReportListView(ObjectListView):
    """Messages people reported, for triage; with reports per person and time to report."""

    model = PhishReport
    permission_required = ("mail.view_phishreport",)
    filter_form = ReportFilterForm
    table_template = "mail/tables/reports.html"
    nav = "mail_reports"
    title = "Reported messages"
    template_name = "mail/report_list.html"

    def queryset_for(self) -> QuerySet:
        return PhishReport.objects.defer("raw").select_related("person", "triaged_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["metrics"] = report_metrics()
        return context


def report_metrics(limit: int = 10) -> dict[str, Any]:
    """Reports per person (most first) and the mean and median time from delivery to report."""
    per_person = list(
        PhishReport.objects.values("reporter", "person__name")
        .annotate(reports=Count("id"),
                  confirmed=Count("id", filter=Q(status=ReportStatusChoices.PHISHING)))
        .order_by("-reports", "reporter")[:limit]
    )
    timed = (PhishReport.objects.filter(delivered_at__isnull=False)
             .annotate(took=F("reported_at") - F("delivered_at")))
    seconds = sorted(max(r.took.total_seconds(), 0.0) for r in timed.only(
        "reported_at", "delivered_at")[:10_000])
    median = seconds[len(seconds) // 2] if seconds else None
    mean = timed.aggregate(mean=Avg("took"))["mean"]
    return {"per_person": per_person, "timed": len(seconds),
            "median_seconds": median,
            "mean_seconds": mean.total_seconds() if mean is not None else None,
            "total": PhishReport.objects.count()}


class ReportDetailView(ObjectDetailView):
    """One reported message, as text, with the triage buttons."""

    model = PhishReport
    permission_required = ("mail.view_phishreport",)
    template_name = "mail/report_detail.html"
    nav = "mail_reports"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report: PhishReport = self.object
        context["title"] = report.subject or "(no subject)"
        context["report"] = report
        context["shown"] = message_as_text(bytes(report.raw)) if report.raw else None
        context["outcomes"] = [c for c in ReportStatusChoices.choices if c[0] != "new"]
        context["can_triage"] = self.request.user.has_perm("mail.change_phishreport")
        return context


class ReportTriageView(ConsoleView, View):
    """POST: the security team's verdict on a report."""

    permission_required = ("mail.change_phishreport",)
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if action != "triage":
            return HttpResponse(status=404)
        report = get_object_or_404(PhishReport, pk=pk)
        try:
            triage_report(report, str(request.POST.get("status", "")), user=request.user,
                          request=request)
            messages.success(request, f"Report marked {report.get_status_display().lower()}.")
        except MailActionError as exc:
            messages.warning(request, str(exc))
        return HttpResponseRedirect(reverse("console:mail:report", args=[report.pk]))


class ClickListView(ObjectListView):
    """Every fetch of a click-time link; only 'Person' rows are clicks."""

    model = LinkClick
    permission_required = ("mail.view_linkclick",)
    filter_form = ClickFilterForm
    table_template = "mail/tables/clicks.html"
    nav = "mail_clicks"
    title = "Link clicks"

    def queryset_for(self) -> QuerySet:
        return LinkClick.objects.select_related("person", "user")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["human_kind"] = ClickKindChoices.HUMAN
        return context


class CampaignListView(ObjectListView):
    """Awareness campaigns with sent, clicked (people only), reported and scanner fetches."""

    model = Campaign
    permission_required = ("mail.view_campaign",)
    table_template = "mail/tables/campaigns.html"
    template_name = "mail/campaign_list.html"
    nav = "mail_campaigns"
    title = "Awareness campaigns"

    def queryset_for(self) -> QuerySet:
        from django.db.models import Sum

        return Campaign.objects.annotate(
            target_count=Count("targets", distinct=True),
            sent=Count("targets", filter=Q(targets__sent_at__isnull=False), distinct=True),
            clicked=Count("targets", filter=Q(targets__clicked_at__isnull=False), distinct=True),
            reported=Count("targets", filter=Q(targets__reported_at__isnull=False),
                           distinct=True),
            fetches=Sum("targets__scanner_fetches"),
        ).order_by("-created")


TARGETS_PER_PAGE = 50  # rows a page on the report page; the CSV and PDF have them all


class CampaignDetailView(ObjectDetailView):
    """A campaign's report: funnel, click rate by department and clicks over time as SVG
    (no JavaScript), one row per target, the exports and the operator's actions."""

    model = Campaign
    permission_required = ("mail.view_campaign",)
    template_name = "mail/campaign_detail.html"
    nav = "mail_campaigns"

    def queryset_for(self) -> QuerySet:
        return Campaign.objects.select_related("landing_page", "training_module", "profile")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from vaultdoor.console.charts import bar_chart, hbar_chart

        from ..campaign_report import TIMELINE_HOURS, campaign_report

        context = super().get_context_data(**kwargs)
        campaign: Campaign = self.object
        report = campaign_report(campaign)
        user = self.request.user
        context.update(
            campaign=campaign, report=report, timeline_hours=TIMELINE_HOURS,
            **_targets_page(report.rows, self.request.GET.get("page")),
            funnel_chart=hbar_chart([n for _, n, _ in report.funnel],
                                    [f"{label} ({rate:g}%)" for label, _, rate in report.funnel]),
            department_chart=hbar_chart(
                [round(d["click_rate"]) for d in report.departments if d["sent"]],
                [d["department"][:24] for d in report.departments if d["sent"]]),
            timeline_chart=(bar_chart([n for _, n in report.timeline],
                                      [label for label, _ in report.timeline])
                            if report.timeline else None),
            can_change=user.has_perm("mail.change_campaign"),
            can_assign=user.has_perm("mail.add_trainingassignment"),
        )
        return context


def _targets_page(rows: list, number: str | None) -> dict[str, Any]:
    """One page of the report's per-person rows, as the console's pagination expects."""
    page = Paginator(rows, TARGETS_PER_PAGE).get_page(number)
    return {"shown_rows": page.object_list, "page_obj": page,
            "is_paginated": page.paginator.num_pages > 1}


class _CampaignExportView(ConsoleView, View):
    """The campaign's report as a download (audited: it names people)."""

    model = Campaign
    permission_required = ("mail.view_campaign",)
    format: ClassVar[str]
    content_type: ClassVar[str]

    def render(self, report: Any) -> bytes | str:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from vaultdoor.audit import record

        from ..campaign_report import campaign_report

        campaign = get_object_or_404(Campaign, pk=pk)
        report = campaign_report(campaign)
        body = self.render(report)
        record("mail.campaign_export", actor=request.user.get_username(),
               target_type="mail.campaign", target_id=str(campaign.pk), request=request,
               format=self.format, rows=len(report.rows))
        response = HttpResponse(body, content_type=self.content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="campaign-{campaign.pk}.{self.format}"')
        response["Cache-Control"] = "no-store"
        return response


class CampaignCsvView(_CampaignExportView):
    """The campaign's targets and what each did, as CSV."""

    format = "csv"
    content_type = "text/csv; charset=utf-8"

    def render(self, report: Any) -> str:
        from ..campaign_report import report_csv

        return report_csv(report)


class CampaignPdfView(_CampaignExportView):
    """The campaign's report as PDF: summary, charts and targets."""

    format = "pdf"
    content_type = "application/pdf"

    def render(self, report: Any) -> bytes:
        from ..campaign_pdf import report_pdf

        return report_pdf(report)


class CampaignActionView(ConsoleView, View):
    """POST: schedule, cancel, send unconfirmed again, or assign training (each audited)."""

    http_method_names = ["post"]
    ACTIONS = {"schedule": "mail.change_campaign", "cancel": "mail.change_campaign",
               "retry": "mail.change_campaign", "assign-training": "mail.add_trainingassignment"}

    def get_permission_required(self) -> tuple[str, ...]:
        # An unknown action still needs the strictest permission before its 404.
        return (self.ACTIONS.get(self.kwargs.get("action", ""), "mail.change_campaign"),)

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        from django.utils import timezone

        from ..campaigns import (
            CampaignError,
            cancel_campaign,
            release_unconfirmed,
            schedule_campaign,
        )
        from ..training import assign_results

        if action not in self.ACTIONS:
            return HttpResponse(status=404)
        campaign = get_object_or_404(Campaign, pk=pk)
        actor = request.user.get_username()
        try:
            if action == "schedule":
                at = _local_time(str(request.POST.get("at", "")).strip())
                schedule_campaign(campaign, at, actor=actor, request=request)
                messages.success(request, f"Scheduled for {timezone.localtime(at):%Y-%m-%d %H:%M}"
                                          "; `vaultdoor mail campaign run` sends it.")
            elif action == "cancel":
                cancel_campaign(campaign, actor=actor, request=request)
                messages.success(request, "Campaign cancelled: nothing more is sent.")
            elif action == "retry":
                released = release_unconfirmed(campaign, actor=actor, request=request)
                messages.success(request, f"{released} target(s) will be sent again.")
            else:
                assigned = assign_results(campaign, actor=actor, request=request)
                messages.success(request, f"Training assigned to {assigned} more person(s).")
        except (CampaignError, ValueError) as exc:
            messages.warning(request, str(exc))
        return HttpResponseRedirect(reverse("console:mail:campaign", args=[campaign.pk]))


def _local_time(value: str):
    """'' is now; else a datetime-local value in the page's (the site's) time zone."""
    from datetime import datetime

    from django.utils import timezone

    if not value:
        return timezone.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"Send from: not a date and time: {value[:40]!r}") from exc
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


class CampaignCreateView(ConsoleView, View):
    """A new campaign, saved as a draft with its targets (audited); scheduled from its page."""

    permission_required = ("mail.add_campaign",)
    nav = "mail_campaigns"
    template_name = "mail/campaign_form.html"

    def _page(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        from django.shortcuts import render

        context = {"form": form, "title": "New campaign", **self.navigation()}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        from ..forms import CampaignForm

        return self._page(request, CampaignForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        from django.db import transaction

        from vaultdoor.audit import record

        from ..campaigns import add_targets
        from ..forms import CampaignForm

        form = CampaignForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        from vaultdoor.people.models import Person

        department, role = form.cleaned_data["department"], form.cleaned_data["role"]
        codes = form.cleaned_data["people"]
        with transaction.atomic():
            campaign = form.save()
            added = (add_targets(campaign, department=department, role_code=role)
                     if department or role else 0)
            if codes:
                added += add_targets(campaign, people=Person.objects.filter(code__in=codes))
            record("mail.campaign_create", actor=request.user.get_username(),
                   target_type="mail.campaign", target_id=str(campaign.pk), request=request,
                   name=campaign.name, targets=added, department=department, role=role,
                   people=codes)
        messages.success(request, f"Campaign created as a draft with {added} target(s). "
                                  "Schedule it when it is ready.")
        return HttpResponseRedirect(reverse("console:mail:campaign", args=[campaign.pk]))


class TrainingListView(ObjectListView):
    """Who was assigned which training, and who has not done it yet (overdue first)."""

    model = TrainingAssignment
    permission_required = ("mail.view_trainingassignment",)
    filter_form = TrainingFilterForm
    table_template = "mail/tables/training.html"
    nav = "mail_campaigns"
    title = "Training assignments"

    def queryset_for(self) -> QuerySet:
        return TrainingAssignment.objects.select_related("person", "module", "target__campaign")
