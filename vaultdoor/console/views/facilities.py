"""Floors (with the floor view), zones and doors."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from vaultdoor.access.models import DoorEvent, PendingPresentation, PersonLocation
from vaultdoor.console import filters
from vaultdoor.console.floorplan import floor_plan
from vaultdoor.facilities.models import Door, Floor, Zone

from .base import ObjectDetailView, ObjectListView

__all__ = [
    "DoorDetailView",
    "DoorListView",
    "FloorDetailView",
    "FloorListView",
    "ZoneDetailView",
    "ZoneListView",
]

RECENT = 25


class FloorListView(ObjectListView):
    """Every floor with its zones and how many people are on it now."""

    model = Floor
    permission_required = ("facilities.view_floor",)
    filter_form = filters.FloorFilterForm
    table_template = "console/tables/floors.html"
    nav = "floors"

    def queryset_for(self) -> QuerySet:
        return (
            Floor.objects.select_related("site")
            .annotate(
                zone_count=Count("zones", filter=Q(zones__active=True), distinct=True),
                inside=Count("zones__occupants", distinct=True),
            )
            .order_by("site__code", "-level", "code")
        )


class FloorDetailView(ObjectDetailView):
    """The floor view: the floor's zones drawn as a plan, with doors and occupancy."""

    model = Floor
    permission_required = ("facilities.view_floor",)
    template_name = "console/floor_detail.html"
    nav = "floors"

    def queryset_for(self) -> QuerySet:
        return Floor.objects.select_related("site")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        floor = self.object
        zones = list(
            Zone.objects.filter(floor=floor, active=True)
            .annotate(inside=Count("occupants"))
            .order_by("code")
        )
        doors = list(
            Door.objects.filter(active=True)
            .filter(Q(to_zone__floor=floor) | Q(from_zone__floor=floor))
            .select_related("from_zone__floor", "to_zone__floor")
            .order_by("code")
        )
        context["plan"] = floor_plan(zones, doors, floor)
        context["zones"] = zones
        context["doors"] = doors
        context["nav_floor"] = floor.pk
        return context


class ZoneListView(ObjectListView):
    """Every zone with its rules and occupancy."""

    model = Zone
    permission_required = ("facilities.view_zone",)
    filter_form = filters.ZoneFilterForm
    table_template = "console/tables/zones.html"
    nav = "zones"

    def queryset_for(self) -> QuerySet:
        return (
            Zone.objects.select_related("floor", "site")
            .annotate(inside=Count("occupants"))
            .order_by("site__code", "-floor__level", "code")
        )


class ZoneDetailView(ObjectDetailView):
    """A zone: its rules, its doors, the access levels that open it and who is inside."""

    model = Zone
    permission_required = ("facilities.view_zone",)
    template_name = "console/zone_detail.html"
    nav = "zones"

    def queryset_for(self) -> QuerySet:
        return Zone.objects.select_related("floor", "site").annotate(inside=Count("occupants"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        zone = self.object
        user = self.request.user
        context["doors"] = list(
            Door.objects.filter(Q(to_zone=zone) | Q(from_zone=zone))
            .select_related("from_zone", "to_zone").order_by("-active", "code")
        )
        context["levels"] = list(zone.access_levels.select_related("schedule").order_by("code"))
        if user.has_perm("access.view_personlocation") and user.has_perm("people.view_person"):
            context["occupants"] = list(
                PersonLocation.objects.filter(zone=zone).select_related("person")
                .order_by("since")[:100]
            )
        if user.has_perm("access.view_doorevent"):
            context["events"] = list(
                DoorEvent.objects.filter(zone=zone).select_related("door", "person", "zone")
                .order_by("-at", "-pk")[:RECENT]
            )
        return context


class DoorListView(ObjectListView):
    """Every door, the zones it joins and what its reader asks for."""

    model = Door
    permission_required = ("facilities.view_door",)
    filter_form = filters.DoorFilterForm
    table_template = "console/tables/doors.html"
    nav = "doors"

    def queryset_for(self) -> QuerySet:
        return Door.objects.select_related("site", "from_zone", "to_zone__floor").order_by(
            "site__code", "code"
        )


class DoorDetailView(ObjectDetailView):
    """A door: its zones, its mode, who is waiting at it and its recent decisions."""

    model = Door
    permission_required = ("facilities.view_door",)
    template_name = "console/door_detail.html"
    nav = "doors"

    def queryset_for(self) -> QuerySet:
        return Door.objects.select_related("site", "from_zone__floor", "to_zone__floor")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        door = self.object
        if self.request.user.has_perm("access.view_doorevent"):
            context["events"] = list(
                DoorEvent.objects.filter(door=door).select_related("person", "zone", "door")
                .order_by("-at", "-pk")[:RECENT]
            )
            context["pending"] = (
                PendingPresentation.objects.filter(door=door).select_related("person").first()
            )
        return context
