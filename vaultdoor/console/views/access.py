"""Access policy: access levels and schedules (with the week picture of a schedule)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from vaultdoor.access.models import AccessLevel, Holiday, Schedule
from vaultdoor.console import filters
from vaultdoor.console.charts import week_grid
from vaultdoor.engine.model import DAYS

from .base import ObjectDetailView, ObjectListView

__all__ = [
    "AccessLevelDetailView",
    "AccessLevelListView",
    "ScheduleDetailView",
    "ScheduleListView",
    "windows_for_grid",
]


def _minutes(hhmm: str) -> int:
    hours, _, minutes = str(hhmm).partition(":")
    return int(hours) * 60 + int(minutes or 0)


def windows_for_grid(windows: list[dict[str, Any]]) -> list[tuple[set[int], int, int]]:
    """A schedule's stored windows (`{days, from, to}` as in the site file) as grid input.

    Rows that do not parse are skipped: the page shows what it can and the import validated
    them anyway.
    """
    out = []
    for window in windows or []:
        try:
            days = {DAYS.index(day) for day in window.get("days", [])}
            out.append((days, _minutes(window["from"]), _minutes(window["to"])))
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
    return out


class AccessLevelListView(ObjectListView):
    """Every access level: its schedule and how many zones, roles and people use it."""

    model = AccessLevel
    permission_required = ("access.view_accesslevel",)
    filter_form = filters.AccessLevelFilterForm
    table_template = "console/tables/access_levels.html"
    nav = "access_levels"

    def queryset_for(self) -> QuerySet:
        return AccessLevel.objects.select_related("site", "schedule").annotate(
            zone_count=Count("zones", distinct=True),
            role_count=Count("roles", distinct=True),
            people_count=Count("people", distinct=True),
        ).order_by("site__code", "code")


class AccessLevelDetailView(ObjectDetailView):
    """An access level: the zones it opens, when, and who holds it."""

    model = AccessLevel
    permission_required = ("access.view_accesslevel",)
    template_name = "console/access_level_detail.html"
    nav = "access_levels"

    def queryset_for(self) -> QuerySet:
        return AccessLevel.objects.select_related("site", "schedule")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        level = self.object
        context["zones"] = list(level.zones.select_related("floor").order_by("floor__level",
                                                                               "code"))
        context["roles"] = list(level.roles.annotate(people_count=Count("people"))
                                .order_by("code"))
        context["people_count"] = level.people.count()
        context["people"] = list(level.people.select_related("role").order_by("code")[:50])
        context["grid"] = week_grid(windows_for_grid(level.schedule.windows))
        return context


class ScheduleListView(ObjectListView):
    """Every schedule, its windows in words and the access levels that use it."""

    model = Schedule
    permission_required = ("access.view_schedule",)
    filter_form = filters.ScheduleFilterForm
    table_template = "console/tables/schedules.html"
    nav = "schedules"

    def queryset_for(self) -> QuerySet:
        return Schedule.objects.select_related("site").annotate(
            level_count=Count("access_levels", distinct=True)
        ).order_by("site__code", "code")


class ScheduleDetailView(ObjectDetailView):
    """A schedule as a week picture, its windows, holiday rule and the site's holidays."""

    model = Schedule
    permission_required = ("access.view_schedule",)
    template_name = "console/schedule_detail.html"
    nav = "schedules"

    def queryset_for(self) -> QuerySet:
        return Schedule.objects.select_related("site")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        schedule = self.object
        context["grid"] = week_grid(windows_for_grid(schedule.windows))
        context["levels"] = list(schedule.access_levels.order_by("code"))
        context["holidays"] = list(
            Holiday.objects.filter(site=schedule.site, active=True).order_by("date")
        )
        return context
