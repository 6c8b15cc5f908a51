"""The audit log's two append-only tables: the hash-chained events and their signed checkpoints."""

from __future__ import annotations

from django.db import models

from vaultdoor.engine.chain import ChainEvent

__all__ = ["AppendOnlyError", "AuditCheckpoint", "AuditEvent"]


class AppendOnlyError(Exception):
    """Someone tried to change or delete an audit row; the log only ever grows."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk update and delete before they reach the database (whose triggers refuse too)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} is append-only: update refused")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} is append-only: delete refused")

    update.queryset_only = True
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row that is written once: saving an existing row or deleting one raises."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only: delete refused")


class AuditEvent(AppendOnlyModel):
    """One security event (a door decision, an import, a login...), a link of the hash chain.

    `seq` numbers events 1..N with no gaps; `hash` is SHA-256 of `prev_hash` and the canonical
    encoding of the event (vaultdoor/engine/chain.py). Write rows only through
    `vaultdoor.audit.record()`.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    actor = models.CharField(max_length=150, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=128, blank=True)
    context = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = "audit event"
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_event_target")]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor}"

    def to_chain_event(self) -> ChainEvent:
        return ChainEvent(
            seq=self.seq,
            at=self.at,
            action=self.action,
            actor=self.actor,
            target_type=self.target_type,
            target_id=self.target_id,
            context=self.context,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )


class AuditCheckpoint(AppendOnlyModel):
    """A signed statement 'the chain had head `head_hash` at `seq`', made with the Ed25519 key.

    A checkpoint pins everything up to `seq`: rewriting the chain from an edited row onwards, or
    cutting rows off its tail, no longer matches a signature the attacker cannot make.
    """

    class Reason(models.TextChoices):
        AUTOMATIC = "automatic", "every N events"
        EXPORT = "export", "audit export"
        MANUAL = "manual", "vaultdoor audit checkpoint"

    seq = models.BigIntegerField(db_index=True)
    head_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)
    reason = models.CharField(max_length=16, choices=Reason.choices)

    class Meta:
        ordering = ["-seq", "-id"]
        verbose_name = "audit checkpoint"

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq} ({self.reason})"
