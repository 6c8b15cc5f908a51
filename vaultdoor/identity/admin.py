"""Django admin for accounts and API tokens: secrets and hashes are never shown."""

from __future__ import annotations

from django.contrib import admin

from .models import Account, AccountSession, ApiToken, FailureCounter

__all__ = ["AccountAdmin", "ApiTokenAdmin", "FailureCounterAdmin"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("user", "person", "role", "second_factor_required", "must_change_password",
                    "password_changed_at")
    list_filter = ("role", "second_factor_required", "must_change_password")
    search_fields = ("user__username", "person__code", "person__name")
    raw_id_fields = ("user", "person")
    readonly_fields = ("role", "password_changed_at", "locked_notice_at", "created", "updated")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "key_id", "account", "scopes", "expires", "last_used", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_id", "account__user__username")
    exclude = ("secret_hash",)
    readonly_fields = ("account", "name", "key_id", "scopes", "created", "expires",
                       "last_used")

    def has_add_permission(self, request) -> bool:
        return False  # tokens are made with `vaultdoor token create`, shown once


@admin.register(FailureCounter)
class FailureCounterAdmin(admin.ModelAdmin):
    list_display = ("username", "kind", "failures", "last_failure", "locked_until")
    list_filter = ("kind",)
    search_fields = ("username",)


@admin.register(AccountSession)
class AccountSessionAdmin(admin.ModelAdmin):
    list_display = ("account", "created", "address", "user_agent")
    search_fields = ("account__user__username", "address")
    exclude = ("session_key",)
    readonly_fields = ("account", "created", "address", "user_agent")
