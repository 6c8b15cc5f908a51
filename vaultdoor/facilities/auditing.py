"""Admin edits of a site's definition leave audit events, like imports do.

One mixin for every domain admin (facilities, people, access): Django's admin calls its
`log_*` hooks inside the same transaction as the change, so the audit event and the change
commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet

__all__ = ["AuditedAdmin"]


def _target(obj: Model) -> tuple[str, str]:
    code = getattr(obj, "code", None)
    return obj._meta.label_lower, str(code if code else obj.pk)


def _site_of(obj: Model) -> str:
    site = getattr(obj, "site", None)
    if site is None and getattr(obj, "person", None) is not None:
        site = obj.person.site  # type: ignore[attr-defined]
    return str(getattr(site, "code", "")) if site is not None else ""


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions are recorded in the audit log
    (`admin.add`, `admin.change`, `admin.delete`), naming the staff user and the fields."""

    def _audit(self, action: str, request: Any, obj: Model, **context: Any) -> None:
        from vaultdoor.audit import record

        target_type, target_id = _target(obj)
        record(
            action, actor=request.user.get_username(), target_type=target_type,
            target_id=target_id, request=request, object=str(obj)[:200], site=_site_of(obj),
            **context,
        )

    def log_addition(self, request: Any, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._audit("admin.add", request, obj)
        return entry

    def log_change(self, request: Any, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        fields = sorted({
            name
            for part in (message if isinstance(message, list) else [])
            for name in part.get("changed", {}).get("fields", [])
        })
        self._audit("admin.change", request, obj, fields=fields)
        return entry

    def log_deletions(self, request: Any, queryset: QuerySet) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._audit("admin.delete", request, obj)
        return entries
