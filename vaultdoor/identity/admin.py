"""Django admin for accounts and API tokens: secrets and hashes are never shown.

Every change here is audited (`admin.add`, `admin.change`, `admin.delete`, with the fields),
Django's own users and groups included, and a password set by an administrator is recorded
as `auth.password_reset`. Changing any of them needs a step-up (middleware.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from vaultdoor.facilities.auditing import AuditedAdmin

from .models import Account, AccountSession, ApiToken, FailureCounter

__all__ = ["AccountAdmin", "ApiTokenAdmin", "AuditedGroupAdmin", "AuditedUserAdmin",
           "FailureCounterAdmin", "SuperuserChangesOnly"]

User = get_user_model()


class SuperuserChangesOnly:
    """Users, groups (roles) and accounts change in the admin only for superusers. The
    console's account pages apply the takeover guard (nobody grants, resets or disables
    beyond their own permissions); the admin's forms cannot, so staff may look, not change."""

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


class AuditedUserAdmin(SuperuserChangesOnly, AuditedAdmin, UserAdmin):
    """Django's user admin, audited; a password set here is an `auth.password_reset`."""

    def user_change_password(self, request: Any, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            from vaultdoor.audit import record

            user = User.objects.filter(pk=id).first()
            record("auth.password_reset", actor=request.user.get_username(), target_type="user",
                   target_id=user.get_username() if user else str(id), request=request,
                   via="admin")
        return response


class AuditedGroupAdmin(SuperuserChangesOnly, AuditedAdmin, GroupAdmin):
    """Django's group admin, audited (roles are groups; roles.py resets them after migrate)."""


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)


@admin.register(Account)
class AccountAdmin(SuperuserChangesOnly, AuditedAdmin):
    list_display = ("user", "person", "role", "second_factor_required", "must_change_password",
                    "password_changed_at")
    list_filter = ("role", "second_factor_required", "must_change_password")
    search_fields = ("user__username", "person__code", "person__name")
    raw_id_fields = ("user", "person")
    readonly_fields = ("role", "password_changed_at", "locked_notice_at", "created", "updated")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("name", "key_id", "account", "scopes", "expires", "last_used", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_id", "account__user__username")
    exclude = ("secret_hash",)
    readonly_fields = ("account", "name", "key_id", "scopes", "created", "expires",
                       "last_used")

    def has_add_permission(self, request) -> bool:
        return False  # tokens are made with `vaultdoor token create`, shown once


@admin.register(FailureCounter)
class FailureCounterAdmin(AuditedAdmin):
    list_display = ("username", "kind", "failures", "last_failure", "locked_until")
    list_filter = ("kind",)
    search_fields = ("username",)


@admin.register(AccountSession)
class AccountSessionAdmin(AuditedAdmin):
    list_display = ("account", "created", "address", "user_agent")
    search_fields = ("account__user__username", "address")
    exclude = ("session_key",)
    readonly_fields = ("account", "created", "address", "user_agent")
