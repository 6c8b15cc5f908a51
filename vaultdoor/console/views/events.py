"""The evidence: door events, the audit log and the live feed of door events."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from vaultdoor.access.models import DoorEvent
from vaultdoor.audit.models import AuditEvent
from vaultdoor.console import filters

from .base import ObjectDetailView, ObjectListView, PageView

__all__ = ["AuditEventDetailView", "AuditEventListView", "DoorEventListView", "LiveFeedView"]

FEED_SIZE = 30


class DoorEventListView(ObjectListView):
    """Every door decision, newest first, filtered by dates, door, person, outcome."""

    model = DoorEvent
    permission_required = ("access.view_doorevent",)
    filter_form = filters.DoorEventFilterForm
    table_template = "console/tables/door_events.html"
    nav = "events"
    title = "Door events"

    def queryset_for(self) -> QuerySet:
        return DoorEvent.objects.select_related("door", "zone", "person").order_by("-at", "-pk")


class AuditEventListView(ObjectListView):
    """The tamper-evident audit log, newest first (`vaultdoor audit verify` proves it)."""

    model = AuditEvent
    permission_required = ("audit.view_auditevent",)
    filter_form = filters.AuditEventFilterForm
    table_template = "console/tables/audit_events.html"
    nav = "audit"
    title = "Audit log"

    def queryset_for(self) -> QuerySet:
        # The hash columns stay in the database: the list shows what happened, the detail
        # page shows the chain link.
        return AuditEvent.objects.defer("prev_hash").order_by("-seq")


class AuditEventDetailView(ObjectDetailView):
    """One audit event with its context and its link in the hash chain."""

    model = AuditEvent
    permission_required = ("audit.view_auditevent",)
    template_name = "console/audit_event_detail.html"
    nav = "audit"
    pk_url_kwarg = "seq"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["context_json"] = json.dumps(self.object.context, indent=2, sort_keys=True,
                                             ensure_ascii=False, default=str)
        context["title"] = f"Audit event #{self.object.seq}"
        context["has_next"] = AuditEvent.objects.filter(seq__gt=self.object.seq).exists()
        return context


class LiveFeedView(PageView):
    """The newest door events, refreshed every two seconds by htmx polling `?fragment=1`."""

    permission_required = ("access.view_doorevent",)
    template_name = "console/live.html"
    nav = "live"
    title = "Live door feed"

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request") or self.request.GET.get("fragment"):
            return ["console/live_feed.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        events = DoorEvent.objects.select_related("door", "zone", "person").order_by("-at", "-pk")
        if self.site is not None:
            events = events.filter(site=self.site)
        context["events"] = list(events[:FEED_SIZE])
        return context
