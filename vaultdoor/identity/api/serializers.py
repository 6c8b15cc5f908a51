"""REST representations of console accounts and API tokens for account reviews.

What makes a sign-in is never here: no password or its history, no TOTP secret, recovery
code, passkey credential id or public key, no token secret or its hash, no session key. Only
counts and dates, so the inventory can be exported to a SIEM without becoming a credential
store itself. Nor other users' email addresses: the project shows those to superusers only
(Django's admin; vaultdoor/console/tests/test_leaks.py walks every answer for one); the
person id links an account to its HR record.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import RoleChoices, TokenScope, TokenStatus
from ..models import Account, ApiToken
from ..services.lockout import locked_usernames

__all__ = ["AccountSerializer", "ApiTokenSerializer"]

LOCKED = "locked_usernames"


class AccountListSerializer(serializers.ListSerializer):
    """Finds which accounts of the page are locked in one query, before they are shown."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        accounts = list(data.all() if hasattr(data, "all") else data)
        self.context[LOCKED] = locked_usernames(a.user.get_username() for a in accounts)
        return super().to_representation(accounts)


class AccountSerializer(serializers.ModelSerializer):
    """One console account as an access review needs it (see the module docstring for what
    it leaves out). The counts are annotations of `views.accounts_inventory`."""

    username = serializers.CharField(source="user.username", read_only=True)
    role = serializers.SerializerMethodField(help_text="null: no role (no console permission)")
    active = serializers.BooleanField(source="user.is_active", read_only=True)
    superuser = serializers.BooleanField(source="user.is_superuser", read_only=True)
    person = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                          help_text="The linked person's id, if any")
    date_joined = serializers.DateTimeField(source="user.date_joined", read_only=True)
    last_login = serializers.DateTimeField(source="user.last_login", read_only=True,
                                           allow_null=True)
    totp_devices = serializers.IntegerField(source="totp_count", read_only=True,
                                            help_text="Confirmed authenticator apps")
    passkeys = serializers.IntegerField(source="passkey_count", read_only=True)
    recovery_codes_left = serializers.IntegerField(read_only=True,
                                                   help_text="Unused recovery codes")
    has_second_factor = serializers.SerializerMethodField(
        help_text="A confirmed authenticator app or a passkey")
    active_sessions = serializers.IntegerField(
        read_only=True, help_text="Console sessions used within the idle timeout and "
                                  "younger than the absolute limit")
    locked = serializers.SerializerMethodField(
        help_text="The user id is locked out now (password or second-factor failures)")

    class Meta:
        model = Account
        list_serializer_class = AccountListSerializer
        fields = ["id", "username", "role", "active", "superuser", "person", "date_joined",
                  "last_login", "password_changed_at", "must_change_password",
                  "second_factor_required", "totp_devices", "passkeys", "recovery_codes_left",
                  "has_second_factor", "active_sessions", "locked"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=RoleChoices.choices, allow_null=True))
    def get_role(self, account: Account) -> str | None:
        return account.role or None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_second_factor(self, account: Account) -> bool:
        return bool(account.totp_count or account.passkey_count)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_locked(self, account: Account) -> bool:
        username = account.user.get_username()
        page = self.context.get(LOCKED)
        locked = page if page is not None else locked_usernames([username])
        return username in locked


class ApiTokenSerializer(serializers.ModelSerializer):
    """An API token's inventory entry: never the secret, nor its hash. `status` is the
    annotation of `services.tokens.with_status`."""

    owner = serializers.CharField(source="account.user.username", read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=TokenScope.choices),
                                   read_only=True)
    status = serializers.ChoiceField(choices=TokenStatus.choices, read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "key_id", "name", "owner", "scopes", "created", "expires",
                  "last_used", "revoked_at", "status"]
        read_only_fields = fields
