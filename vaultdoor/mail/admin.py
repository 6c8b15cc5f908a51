"""Django admin (staff only) for what campaigns are made from: message templates, landing
pages, sending profiles and training modules. Every addition, change and deletion is audited
(`admin.add`, `admin.change`, `admin.delete`). Campaigns themselves change only through the
console and the CLI (their states and sending have rules of their own).

Deleting obeys the console's rule (`library.in_use`): a thing any campaign (or, for a training
module, any assignment) uses is listed as protected, so the admin refuses the delete as it
refuses one Django's PROTECT stops, and the delete itself goes through
`library.delete_audited` (also recorded as `mail.*_delete`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet

from vaultdoor.facilities.auditing import AuditedAdmin

from .forms import SendingProfileForm
from .library import delete_audited, in_use
from .models import LandingPage, MessageTemplate, SendingProfile, TrainingModule


class _LibraryAdmin(AuditedAdmin):
    """Deletes only what nothing uses, through the library's audited delete."""

    def get_deleted_objects(self, objs: Any, request: Any) -> tuple[Any, Any, Any, list]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use_now = [f"{obj}: {why}" for obj in objs if (why := in_use(obj))]
        return deleted, counts, perms_needed, [*protected, *in_use_now]

    def delete_model(self, request: Any, obj: Model) -> None:
        delete_audited(obj, actor=request.user.get_username(), request=request, via="admin")

    def delete_queryset(self, request: Any, queryset: QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(_LibraryAdmin):
    list_display = ["name", "subject", "from_address", "created"]
    search_fields = ["name", "subject", "from_address"]


@admin.register(LandingPage)
class LandingPageAdmin(_LibraryAdmin):
    list_display = ["name", "title", "button", "created"]
    search_fields = ["name", "title"]


@admin.register(SendingProfile)
class SendingProfileAdmin(_LibraryAdmin):
    """The password is a `file:` reference, never a value, and as in the console it must lie
    in the data directory's `smtp-passwords/` (see docs/campaigns.md): the admin is a web page
    too, and may not have the sender log in somewhere with any file the server can read."""

    form = SendingProfileForm
    list_display = ["name", "host", "port", "security", "username"]
    search_fields = ["name", "host"]


@admin.register(TrainingModule)
class TrainingModuleAdmin(_LibraryAdmin):
    list_display = ["code", "title", "minutes", "created"]
    search_fields = ["code", "title"]
