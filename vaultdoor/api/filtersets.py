"""Query filters for the API's list endpoints (`?site=northgate&security=high&q=vault`)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from vaultdoor.access.models import AccessLevel, DoorEvent, Holiday, Role, Schedule
from vaultdoor.facilities.models import Door, Floor, Site, Zone
from vaultdoor.people.choices import CardFormatChoices
from vaultdoor.people.models import Card, Person

__all__ = [
    "AccessLevelFilterSet",
    "CardFilterSet",
    "DoorEventFilterSet",
    "DoorFilterSet",
    "FloorFilterSet",
    "HolidayFilterSet",
    "PersonFilterSet",
    "RoleFilterSet",
    "ScheduleFilterSet",
    "SiteFilterSet",
    "ZoneFilterSet",
]


class SearchFilterSet(django_filters.FilterSet):
    """Adds `q`: a case-insensitive search over the model's id and name."""

    q = django_filters.CharFilter(method="search", label="Search id and name")
    search_fields: tuple[str, ...] = ("code", "name")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query)


class SiteObjectFilterSet(SearchFilterSet):
    """`site` (the site id) and `active` for everything a site file declares."""

    site = django_filters.CharFilter(field_name="site__code", label="Site id")
    code = django_filters.CharFilter(label="Id in the site file")


class SiteFilterSet(SearchFilterSet):
    class Meta:
        model = Site
        fields = ["code", "active"]


class FloorFilterSet(SiteObjectFilterSet):
    class Meta:
        model = Floor
        fields = ["active", "level"]


class ZoneFilterSet(SiteObjectFilterSet):
    floor = django_filters.CharFilter(field_name="floor__code", label="Floor id")

    class Meta:
        model = Zone
        fields = [
            "active", "security", "purpose", "phones", "customer_data", "requires_vetting",
            "anti_passback", "two_person",
        ]


class DoorFilterSet(SiteObjectFilterSet):
    zone = django_filters.CharFilter(method="filter_zone", label="Zone id (either side)")

    class Meta:
        model = Door
        fields = ["active", "mode"]

    def filter_zone(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(from_zone__code=value) | Q(to_zone__code=value))


class ScheduleFilterSet(SiteObjectFilterSet):
    class Meta:
        model = Schedule
        fields = ["active", "holidays"]


class HolidayFilterSet(SearchFilterSet):
    site = django_filters.CharFilter(field_name="site__code", label="Site id")
    search_fields = ("name",)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Holiday
        fields = ["active"]


class AccessLevelFilterSet(SiteObjectFilterSet):
    zone = django_filters.CharFilter(field_name="zones__code", label="Zone id", distinct=True)
    schedule = django_filters.CharFilter(field_name="schedule__code", label="Schedule id")

    class Meta:
        model = AccessLevel
        fields = ["active"]


class RoleFilterSet(SiteObjectFilterSet):
    class Meta:
        model = Role
        fields = ["active"]


class PersonFilterSet(SiteObjectFilterSet):
    role = django_filters.CharFilter(field_name="role__code", label="Role id")
    search_fields = ("code", "name", "department")

    class Meta:
        model = Person
        fields = ["active", "kind", "status", "vetting_status", "department"]


class CardFilterSet(SearchFilterSet):
    site = django_filters.CharFilter(field_name="person__site__code", label="Site id")
    person = django_filters.CharFilter(field_name="person__code", label="Person id")
    # `format` is DRF's renderer override (?format=json), so the card format is `card_format`.
    card_format = django_filters.ChoiceFilter(
        field_name="format", choices=CardFormatChoices.choices, label="Card format"
    )
    search_fields = ("person__code", "person__name")

    class Meta:
        model = Card
        fields = ["active", "facility", "number", "status"]


class DoorEventFilterSet(django_filters.FilterSet):
    site = django_filters.CharFilter(field_name="site__code", label="Site id")
    door = django_filters.CharFilter(field_name="door__code", label="Door id")
    zone = django_filters.CharFilter(field_name="zone__code", label="Zone id")
    person = django_filters.CharFilter(field_name="person__code", label="Person id")
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = DoorEvent
        fields = ["decision", "reason", "direction"]
