"""Django admin for the building: sites, floors, zones and doors (staff only)."""

from __future__ import annotations

from django.contrib import admin

from vaultdoor.facilities.auditing import AuditedAdmin

from .models import Door, Floor, Site, Zone


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ["code", "name", "timezone", "active", "revision"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    readonly_fields = ["revision", "created", "updated"]


@admin.register(Floor)
class FloorAdmin(AuditedAdmin):
    list_display = ["code", "name", "site", "level", "active"]
    list_filter = ["site", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["created", "updated"]


@admin.register(Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = [
        "code", "name", "site", "floor", "security", "purpose", "phones", "customer_data",
        "anti_passback", "two_person", "active",
    ]
    list_filter = ["site", "security", "purpose", "phones", "customer_data", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["site", "floor"]
    readonly_fields = ["created", "updated"]


@admin.register(Door)
class DoorAdmin(AuditedAdmin):
    list_display = ["code", "name", "site", "from_zone", "to_zone", "mode", "active"]
    list_filter = ["site", "mode", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["site", "from_zone", "to_zone"]
    readonly_fields = ["created", "updated"]
