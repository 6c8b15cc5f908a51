"""Read-only representations of the site's objects; objects refer to each other by their ids
from the site file (`"floor": "G"`), as an operator would. PIN hashes are never shown."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vaultdoor.access.models import AccessLevel, DoorEvent, Holiday, Role, Schedule
from vaultdoor.engine.model import OUTSIDE
from vaultdoor.facilities.models import Door, Floor, Site, Zone
from vaultdoor.people.models import Card, Person

__all__ = [
    "AccessLevelSerializer",
    "CardSerializer",
    "DoorEventSerializer",
    "DoorSerializer",
    "FloorSerializer",
    "HolidaySerializer",
    "PersonSerializer",
    "RoleSerializer",
    "ScheduleSerializer",
    "SiteSerializer",
    "ZoneSerializer",
]


def code_of(**kwargs: Any) -> serializers.SlugRelatedField:
    """A reference to another object by its site-file id."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


def codes_of() -> serializers.SlugRelatedField:
    """References to other objects by their site-file ids."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, many=True)


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "code", "name", "timezone", "active", "revision", "created", "updated"]


class FloorSerializer(serializers.ModelSerializer):
    site = code_of()

    class Meta:
        model = Floor
        fields = ["id", "site", "code", "name", "level", "active", "created", "updated"]


class ZoneSerializer(serializers.ModelSerializer):
    site = code_of()
    floor = code_of()

    class Meta:
        model = Zone
        fields = [
            "id", "site", "code", "name", "floor", "security", "purpose", "phones",
            "customer_data", "requires_vetting", "anti_passback", "max_occupancy", "two_person",
            "two_person_window_s", "active", "created", "updated",
        ]


class DoorSerializer(serializers.ModelSerializer):
    site = code_of()
    from_zone = serializers.SerializerMethodField(help_text="Zone id, or 'outside'.")
    to_zone = code_of()

    class Meta:
        model = Door
        fields = [
            "id", "site", "code", "name", "from_zone", "to_zone", "mode", "active", "created",
            "updated",
        ]

    @extend_schema_field(serializers.CharField())
    def get_from_zone(self, door: Door) -> str:
        return door.from_zone.code if door.from_zone else OUTSIDE


class ScheduleWindowSerializer(serializers.Serializer):
    """A weekly window of site-local time: `from` inclusive, `to` exclusive (may be 24:00)."""

    days = serializers.ListField(child=serializers.CharField())
    start = serializers.CharField(source="from", help_text="HH:MM, inclusive")
    end = serializers.CharField(source="to", help_text="HH:MM, exclusive; may be 24:00")


class ScheduleSerializer(serializers.ModelSerializer):
    site = code_of()
    windows = ScheduleWindowSerializer(many=True, read_only=True)

    class Meta:
        model = Schedule
        fields = [
            "id", "site", "code", "name", "windows", "holidays", "active", "created", "updated",
        ]


class HolidaySerializer(serializers.ModelSerializer):
    site = code_of()

    class Meta:
        model = Holiday
        fields = ["id", "site", "date", "name", "active", "created", "updated"]


class AccessLevelSerializer(serializers.ModelSerializer):
    site = code_of()
    schedule = code_of()
    zones = codes_of()

    class Meta:
        model = AccessLevel
        fields = [
            "id", "site", "code", "name", "zones", "schedule", "active", "created", "updated",
        ]


class RoleSerializer(serializers.ModelSerializer):
    site = code_of()
    access_levels = codes_of()

    class Meta:
        model = Role
        fields = ["id", "site", "code", "name", "access_levels", "active", "created", "updated"]


class VettingSerializer(serializers.Serializer):
    """A person's background check."""

    status = serializers.CharField(source="vetting_status")
    completed = serializers.DateField(source="vetting_completed", allow_null=True)
    expires = serializers.DateField(source="vetting_expires", allow_null=True)
    findings = serializers.ListField(source="vetting_findings", child=serializers.CharField())

    def to_representation(self, instance):
        # Findings are sensitive personal data: only those who may read findings see them.
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("vetting.view_finding"):
            data.pop("findings", None)
        return data


class PersonSerializer(serializers.ModelSerializer):
    site = code_of()
    role = code_of(allow_null=True)
    access_levels = codes_of()
    vetting = VettingSerializer(source="*", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id", "site", "code", "name", "kind", "status", "role", "department",
            "access_levels", "vetting", "active", "created", "updated",
        ]


class CardSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="person.site.code", read_only=True)
    person = code_of()

    class Meta:
        model = Card
        fields = [
            "id", "site", "person", "format", "facility", "number", "status", "valid_from",
            "valid_until", "active", "created", "updated",
        ]


class DoorEventSerializer(serializers.ModelSerializer):
    site = code_of()
    door = code_of()
    zone = code_of(allow_null=True)
    person = code_of(allow_null=True)

    class Meta:
        model = DoorEvent
        fields = [
            "id", "site", "at", "recorded", "door", "zone", "person", "direction", "decision",
            "reason", "warnings", "companions", "credential", "actor", "audit_seq",
        ]
