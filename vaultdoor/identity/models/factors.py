"""Second factors: TOTP authenticators, recovery codes and WebAuthn passkeys."""

from __future__ import annotations

from django.db import models

from .accounts import Account

__all__ = ["RecoveryCode", "TotpDevice", "WebAuthnCredential"]


class TotpDevice(models.Model):
    """An authenticator app holding a TOTP secret (RFC 6238), sealed at rest.

    `last_step` is the last time step a code was accepted for: a code is never accepted twice.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="totp_devices")
    name = models.CharField(max_length=100, default="Authenticator app")
    sealed_secret = models.CharField(max_length=200)
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(null=True, blank=True)
    created = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name


class RecoveryCode(models.Model):
    """A single-use recovery code for when the authenticator is lost; only its hash is kept."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]


class WebAuthnCredential(models.Model):
    """A passkey or security key registered through WebAuthn."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="webauthn_credentials"
    )
    name = models.CharField(max_length=100, default="Passkey")
    credential_id = models.CharField(max_length=1400, unique=True, help_text="base64url")
    public_key = models.TextField(help_text="COSE public key, base64url")
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name
