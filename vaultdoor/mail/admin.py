"""Django admin (staff only) for what campaigns are made from: message templates, landing
pages, sending profiles and training modules. Every addition, change and deletion is audited
(`admin.add`, `admin.change`, `admin.delete`). Campaigns themselves change only through the
console and the CLI (their states and sending have rules of their own)."""

from __future__ import annotations

from django.contrib import admin

from vaultdoor.facilities.auditing import AuditedAdmin

from .forms import SendingProfileForm
from .models import LandingPage, MessageTemplate, SendingProfile, TrainingModule


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdmin):
    list_display = ["name", "subject", "from_address", "created"]
    search_fields = ["name", "subject", "from_address"]


@admin.register(LandingPage)
class LandingPageAdmin(AuditedAdmin):
    list_display = ["name", "title", "button", "created"]
    search_fields = ["name", "title"]


@admin.register(SendingProfile)
class SendingProfileAdmin(AuditedAdmin):
    """The password is a `file:` reference, never a value, and as in the console it must lie
    in the data directory's `smtp-passwords/` (see docs/campaigns.md): the admin is a web page
    too, and may not have the sender log in somewhere with any file the server can read."""

    form = SendingProfileForm
    list_display = ["name", "host", "port", "security", "username"]
    search_fields = ["name", "host"]


@admin.register(TrainingModule)
class TrainingModuleAdmin(AuditedAdmin):
    list_display = ["code", "title", "minutes", "created"]
    search_fields = ["code", "title"]
