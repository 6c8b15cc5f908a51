"""Vault models: queues, encrypted customers, reveals, suspensions, alerts, rotation progress.

No column holds customer plaintext: every personal field is an AES-256-GCM ciphertext under the
record's own data key, and search goes through keyed blind-index columns (docs/vault.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from .choices import AlertKind, QueueKind

__all__ = ["Customer", "Queue", "RetiredKey", "Reveal", "RevealSuspension", "RotationRun",
           "VaultAlert"]


class Queue(models.Model):
    """A queue or campaign: the customers it serves, the agents assigned to it and the
    supervisors whose team works it."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=QueueKind.choices, default=QueueKind.QUEUE)
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                    related_name="vault_queues")
    supervisors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                         related_name="vault_supervised_queues")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A customer: wrapped data key, ciphertext per field, blind indexes, erased flag.

    The primary key is a random UUID, chosen before anything is encrypted, because every
    ciphertext's associated data names it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="customers")
    wrapped_key = models.BinaryField(null=True, editable=False)
    kek_version = models.PositiveIntegerField()
    name_ct = models.BinaryField(null=True)
    phones_ct = models.BinaryField(null=True)
    email_ct = models.BinaryField(null=True)
    postal_address_ct = models.BinaryField(null=True)
    date_of_birth_ct = models.BinaryField(null=True)
    account_number_ct = models.BinaryField(null=True)
    card_number_ct = models.BinaryField(null=True)
    card_expiry_ct = models.BinaryField(null=True)
    notes_ct = models.BinaryField(null=True)
    # Blind indexes (HMAC-SHA256, 128 bits, hex); the first two phone numbers are searchable.
    phone_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    phone2_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    email_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    account_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    card_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    erased = models.BooleanField(default=False)
    erased_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["kek_version"], name="vault_customer_kek")]

    def __str__(self) -> str:
        return f"customer {self.pk}"


class Reveal(models.Model):
    """One field of one customer shown in clear to one user (never the value); counts toward
    the bulk-reveal alarm."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="vault_reveals")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reveals")
    field = models.CharField(max_length=30)
    reason = models.CharField(max_length=500)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="vault_reveal_user_at")]


class RevealSuspension(models.Model):
    """A user's reveal right, suspended by the bulk-reveal alarm until a supervisor lifts it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="vault_suspensions")
    created = models.DateTimeField()
    reason = models.CharField(max_length=200)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created"]


class VaultAlert(models.Model):
    """Something a security team should look at (a burst of reveals)."""

    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="vault_alerts")
    created = models.DateTimeField()
    detail = models.CharField(max_length=300)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]


class RotationRun(models.Model):
    """Progress of `vaultdoor vault rotate-keys`: the target version and the last record done,
    so an interrupted run continues where it stopped."""

    target_version = models.PositiveIntegerField()
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    last_id = models.UUIDField(null=True, blank=True)
    rewrapped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started"]


class RetiredKey(models.Model):
    """A key-encryption key version taken out of service for good (`vaultdoor vault
    retire-key`): no record was wrapped under it any more, and its key file was destroyed
    (or the operator destroyed it, `file_destroyed` false). Backups whose data keys are
    wrapped only under retired versions cannot be decrypted. A retired version never wraps
    again."""

    version = models.PositiveIntegerField(unique=True)
    retired_at = models.DateTimeField()
    retired_by = models.CharField(max_length=150)
    reason = models.CharField(max_length=500)
    file_destroyed = models.BooleanField(default=False)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"vault key version {self.version} (retired)"
