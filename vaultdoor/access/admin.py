"""Django admin for access policy, live door state and door events (staff only)."""

from __future__ import annotations

from django.contrib import admin

from vaultdoor.facilities.auditing import AuditedAdmin

from .models import (
    AccessLevel,
    DoorEvent,
    Holiday,
    PendingPresentation,
    PersonLocation,
    Role,
    Schedule,
    SiteChange,
)


@admin.register(Schedule)
class ScheduleAdmin(AuditedAdmin):
    list_display = ["code", "name", "site", "holidays", "active"]
    list_filter = ["site", "holidays", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["created", "updated"]


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ["date", "name", "site", "active"]
    list_filter = ["site", "active"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["created", "updated"]


@admin.register(AccessLevel)
class AccessLevelAdmin(AuditedAdmin):
    list_display = ["code", "name", "site", "schedule", "active"]
    list_filter = ["site", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["zones"]
    list_select_related = ["site", "schedule"]
    readonly_fields = ["created", "updated"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["code", "name", "site", "active"]
    list_filter = ["site", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["access_levels"]
    readonly_fields = ["created", "updated"]


class ReadOnlyAdmin(AuditedAdmin):
    """Live state and history are written by decisions only; staff may look, not touch."""

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(PersonLocation)
class PersonLocationAdmin(ReadOnlyAdmin):
    list_display = ["person", "zone", "since"]
    list_filter = ["zone"]
    search_fields = ["person__code", "person__name"]
    list_select_related = ["person", "zone"]


@admin.register(PendingPresentation)
class PendingPresentationAdmin(ReadOnlyAdmin):
    list_display = ["door", "person", "at"]
    list_select_related = ["door", "person"]


@admin.register(DoorEvent)
class DoorEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "door", "zone", "person", "direction", "decision", "reason", "audit_seq"]
    list_filter = ["site", "decision", "reason", "direction"]
    search_fields = ["door__code", "person__code", "person__name"]
    date_hierarchy = "at"
    list_select_related = ["door", "zone", "person"]


@admin.register(SiteChange)
class SiteChangeAdmin(ReadOnlyAdmin):
    list_display = ["site", "revision", "person_code"]
    list_filter = ["site"]
    search_fields = ["person_code"]
    list_select_related = ["site"]
