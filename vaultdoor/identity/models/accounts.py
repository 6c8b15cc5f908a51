"""Accounts: a console user linked to the person record, with password and session state."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..choices import RoleChoices

__all__ = ["Account", "AccountSession", "EnrolmentLink", "PasswordHistory"]


class Account(models.Model):
    """Someone who signs in to vaultdoor: their Django user, the person they are (if any),
    their role, and the state the password policy and sessions keep about them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    person = models.OneToOneField(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="account",
    )
    role = models.CharField(max_length=20, choices=RoleChoices.choices, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    must_change_password = models.BooleanField(
        default=False, help_text="Set on evidence of compromise or by an administrator."
    )
    must_change_reason = models.CharField(max_length=200, blank=True)
    second_factor_required = models.BooleanField(
        default=True, help_text="Console users need a second factor unless this is cleared."
    )
    locked_notice_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the account was last locked; shown to its owner once, then cleared.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.get_username()


class PasswordHistory(models.Model):
    """One of an account's previous password hashes (Argon2id), to refuse reuse."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="passwords")
    password_hash = models.CharField(max_length=256)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name_plural = "password history"


class EnrolmentLink(models.Model):
    """A one-time link that lets a new account holder set a password; only its hash is kept."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()
    expires = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created"]


class AccountSession(models.Model):
    """A signed-in console session of an account, so 'log out everywhere' can end them all
    and the portal can list them. The session's data stays in Django's session store."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField()
    address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
