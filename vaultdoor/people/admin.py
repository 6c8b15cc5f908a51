"""Django admin for people and their credentials (staff only); PIN hashes are never shown."""

from __future__ import annotations

from django.contrib import admin

from vaultdoor.facilities.auditing import AuditedAdmin

from .models import Biometric, Card, Person, Pin


class CardInline(admin.TabularInline):
    model = Card
    extra = 0
    fields = ["format", "facility", "number", "status", "valid_from", "valid_until", "active"]


class BiometricInline(admin.TabularInline):
    model = Biometric
    extra = 0
    fields = ["consent", "status", "active"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["code", "name", "site", "kind", "role", "status", "vetting_status", "active"]
    list_filter = ["site", "kind", "status", "vetting_status", "active"]
    search_fields = ["code", "name", "department"]
    list_select_related = ["site", "role"]
    filter_horizontal = ["access_levels"]
    readonly_fields = ["created", "updated"]
    inlines = [CardInline, BiometricInline]


@admin.register(Card)
class CardAdmin(AuditedAdmin):
    list_display = ["__str__", "person", "status", "valid_from", "valid_until", "active"]
    list_filter = ["format", "status", "active"]
    search_fields = ["person__code", "person__name", "=number"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    readonly_fields = ["created", "updated"]


@admin.register(Pin)
class PinAdmin(AuditedAdmin):
    """PINs are set by importing a site file (hashed there); here staff can only see whose
    PIN exists and deactivate it."""

    list_display = ["__str__", "person", "active", "updated"]
    list_filter = ["active"]
    search_fields = ["person__code", "person__name"]
    list_select_related = ["person"]
    fields = ["person", "active", "created", "updated"]
    readonly_fields = ["person", "created", "updated"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Biometric)
class BiometricAdmin(AuditedAdmin):
    list_display = ["__str__", "person", "consent", "status", "active"]
    list_filter = ["status", "consent", "active"]
    search_fields = ["person__code", "person__name"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    readonly_fields = ["created", "updated"]
