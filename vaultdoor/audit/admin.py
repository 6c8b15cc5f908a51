"""Django admin for the audit log: read-only, for staff who need to look, never to touch."""

from __future__ import annotations

from django.contrib import admin

from vaultdoor.audit.models import AuditCheckpoint, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; no add, change or delete, whoever asks."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "action", "actor", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("=seq", "action", "actor", "target_id")
    date_hierarchy = "at"
    show_full_result_count = False  # a COUNT(*) over millions of rows on every page is waste
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "reason", "key_id", "head_hash")
    list_filter = ("reason",)
    readonly_fields = [f.name for f in AuditCheckpoint._meta.fields]
