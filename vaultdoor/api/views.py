"""Read-only API endpoints for the site's objects and door events, with filters."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from vaultdoor.access.models import AccessLevel, DoorEvent, Holiday, Role, Schedule
from vaultdoor.facilities.models import Door, Floor, Site, Zone
from vaultdoor.people.models import Card, Person

from . import filtersets, serializers
from .permissions import ViewModelPermissions

__all__ = [
    "AccessLevelViewSet",
    "CardViewSet",
    "DoorEventViewSet",
    "DoorViewSet",
    "FloorViewSet",
    "HolidayViewSet",
    "PersonViewSet",
    "RoleViewSet",
    "ScheduleViewSet",
    "SiteViewSet",
    "ZoneViewSet",
]


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail for one model: the model's view permission, filters, stable order."""

    permission_classes = [ViewModelPermissions]
    filter_backends = [DjangoFilterBackend]


class SiteViewSet(ReadOnlyViewSet):
    queryset = Site.objects.order_by("code")
    serializer_class = serializers.SiteSerializer
    filterset_class = filtersets.SiteFilterSet


class FloorViewSet(ReadOnlyViewSet):
    queryset = Floor.objects.select_related("site").order_by("site__code", "level", "code")
    serializer_class = serializers.FloorSerializer
    filterset_class = filtersets.FloorFilterSet


class ZoneViewSet(ReadOnlyViewSet):
    queryset = Zone.objects.select_related("site", "floor").order_by("site__code", "code")
    serializer_class = serializers.ZoneSerializer
    filterset_class = filtersets.ZoneFilterSet


class DoorViewSet(ReadOnlyViewSet):
    queryset = Door.objects.select_related("site", "from_zone", "to_zone").order_by(
        "site__code", "code"
    )
    serializer_class = serializers.DoorSerializer
    filterset_class = filtersets.DoorFilterSet


class ScheduleViewSet(ReadOnlyViewSet):
    queryset = Schedule.objects.select_related("site").order_by("site__code", "code")
    serializer_class = serializers.ScheduleSerializer
    filterset_class = filtersets.ScheduleFilterSet


class HolidayViewSet(ReadOnlyViewSet):
    queryset = Holiday.objects.select_related("site").order_by("site__code", "date")
    serializer_class = serializers.HolidaySerializer
    filterset_class = filtersets.HolidayFilterSet


class AccessLevelViewSet(ReadOnlyViewSet):
    queryset = (
        AccessLevel.objects.select_related("site", "schedule").prefetch_related("zones")
        .order_by("site__code", "code")
    )
    serializer_class = serializers.AccessLevelSerializer
    filterset_class = filtersets.AccessLevelFilterSet


class RoleViewSet(ReadOnlyViewSet):
    queryset = (
        Role.objects.select_related("site").prefetch_related("access_levels")
        .order_by("site__code", "code")
    )
    serializer_class = serializers.RoleSerializer
    filterset_class = filtersets.RoleFilterSet


class PersonViewSet(ReadOnlyViewSet):
    queryset = (
        Person.objects.select_related("site", "role").prefetch_related("access_levels")
        .order_by("site__code", "code")
    )
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet


class CardViewSet(ReadOnlyViewSet):
    queryset = Card.objects.select_related("person__site").order_by(
        "format", "facility", "number"
    )
    serializer_class = serializers.CardSerializer
    filterset_class = filtersets.CardFilterSet


class DoorEventViewSet(ReadOnlyViewSet):
    queryset = DoorEvent.objects.select_related("site", "door", "zone", "person").order_by(
        "-at", "-pk"
    )
    serializer_class = serializers.DoorEventSerializer
    filterset_class = filtersets.DoorEventFilterSet
