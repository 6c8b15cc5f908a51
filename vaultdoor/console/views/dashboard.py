"""The dashboard: people inside per zone, denials by reason and entries per hour."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vaultdoor.access.choices import DecisionChoices
from vaultdoor.access.models import DoorEvent
from vaultdoor.console import stats
from vaultdoor.console.charts import bar_chart, hbar_chart
from vaultdoor.console.templatetags.console import reason_label

from .base import PageView

__all__ = ["DashboardView"]


class DashboardView(PageView):
    """The first page after signing in. Needs only a login; each panel shows only to those
    allowed to see its data (door events, live locations)."""

    template_name = "console/dashboard.html"
    nav = "dashboard"
    title = "Dashboard"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        site = self.site
        if site is None:
            return context
        period = stats.period_for(site, self.request.GET.get("period", "today"), timezone.now())
        see_events = user.has_perm("access.view_doorevent")
        see_locations = user.has_perm("access.view_personlocation")
        context.update(period=period, see_events=see_events, see_locations=see_locations)
        if see_events:
            context["headline"] = stats.headline(site, period)
            hours = stats.entries_per_hour(site, period)
            context["hour_chart"] = bar_chart([n for _, n in hours], [h for h, _ in hours])
            denials = stats.denials_by_reason(site, period)
            context["denial_chart"] = hbar_chart(
                [n for _, n in denials], [reason_label(r) for r, _ in denials]
            )
            context["denial_reasons"] = [r for r, _ in denials]
            context["recent_denials"] = list(
                DoorEvent.objects.filter(site=site, decision=DecisionChoices.DENY,
                                         at__gte=period.start, at__lt=period.end)
                .select_related("door", "zone", "person")
                .order_by("-at", "-pk")[:8]
            )
        if see_locations:
            zones = stats.occupancy_by_zone(site)
            context["occupied_zones"] = [z for z in zones if z.inside]
            context["empty_zone_count"] = sum(1 for z in zones if not z.inside)
        return context
