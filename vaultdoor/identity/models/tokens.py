"""API tokens for integrations: scoped, expiring, stored hashed."""

from __future__ import annotations

from django.db import models

from .accounts import Account

__all__ = ["ApiToken"]


class ApiToken(models.Model):
    """A bearer token `<key_id>.<secret>` for an integration acting as an account.

    Only the secret's SHA-256 is kept. The token can do what its scopes allow and its owner's
    permissions allow, both; it stops at `expires` or when revoked.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created = models.DateTimeField()
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"
