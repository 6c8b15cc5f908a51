"""Passwords of accounts: the context the rules need, history, expiry and compromise."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import check_password

from .. import clock
from ..models import Account, PasswordHistory
from ..passwords import PasswordReport, evaluate_password, get_profile
from ..passwords.blocklist import is_blocklisted
from .accounts import account_for, account_names

__all__ = [
    "check_password_for", "has_second_factor", "password_context", "password_expires_at",
    "password_needs_change", "remember_password",
]

_HISTORY_KEEP = 12


def has_second_factor(user: Any) -> bool:
    """True when the user has a confirmed TOTP device or a passkey."""
    if user is None or not getattr(user, "pk", None):
        return False
    account = Account.objects.filter(user_id=user.pk).first()
    if account is None:
        return False
    return (account.totp_devices.filter(confirmed=True).exists()
            or account.webauthn_credentials.exists())


def _was_used_by(user: Any):
    def was_used(password: str, count: int) -> bool:
        hashes = list(
            PasswordHistory.objects.filter(account__user_id=user.pk)
            .values_list("password_hash", flat=True)[:count]
        )
        if not hashes and user.password and user.has_usable_password():
            hashes = [user.password]
        return any(check_password(password, encoded) for encoded in hashes)

    return was_used


def password_context(user: Any) -> dict[str, Any]:
    """Keyword arguments for `evaluate_password` describing `user` (or nobody)."""
    if user is None:
        return {}
    context: dict[str, Any] = {"names": account_names(user)}
    if getattr(user, "pk", None):
        context["has_second_factor"] = has_second_factor(user)
        context["was_used"] = _was_used_by(user)
    return context


def check_password_for(user: Any, password: str, profile: str | None = None) -> PasswordReport:
    """The verdict on `password` as a new password for `user` (or for nobody in particular)."""
    return evaluate_password(password, profile=get_profile(profile), **password_context(user))


def remember_password(user: Any) -> None:
    """Store the user's current password hash in the history, and when it was set."""
    account = account_for(user)
    now = clock.now()
    PasswordHistory.objects.create(account=account, password_hash=user.password, created=now)
    stale = list(account.passwords.values_list("pk", flat=True)[_HISTORY_KEEP:])
    if stale:
        PasswordHistory.objects.filter(pk__in=stale).delete()
    account.password_changed_at = now
    account.must_change_password = False
    account.must_change_reason = ""
    account.save(update_fields=["password_changed_at", "must_change_password",
                                "must_change_reason", "updated"])


def password_expires_at(user: Any) -> dt.datetime | None:
    """When the user's password expires under the profile in force (None: it does not)."""
    account = account_for(user)
    lifetime = get_profile().expiry(has_second_factor=has_second_factor(user))
    if lifetime is None:
        return None
    start = account.password_changed_at or account.created
    return start + lifetime


def password_needs_change(user: Any, password: str | None = None) -> str:
    """Why the user must choose a new password now ('' when they need not).

    With the password just typed at login, a password found on the blocklist counts as
    evidence of compromise (NIST SP 800-63B: change on evidence of compromise).
    """
    account = account_for(user)
    if account.must_change_password:
        return account.must_change_reason or "An administrator asked you to choose a new password."
    if password is not None and is_blocklisted(password):
        account.must_change_password = True
        account.must_change_reason = ("Your password is on a list of breached passwords. "
                                      "Choose a new one.")
        account.save(update_fields=["must_change_password", "must_change_reason", "updated"])
        return account.must_change_reason
    expires = password_expires_at(user)
    if expires is not None and clock.now() >= expires:
        account.must_change_password = True
        account.must_change_reason = ("Your password is older than the policy allows. "
                                      "Choose a new one.")
        account.save(update_fields=["must_change_password", "must_change_reason", "updated"])
        return account.must_change_reason
    return ""
