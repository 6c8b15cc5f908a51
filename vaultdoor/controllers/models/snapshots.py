"""The signed, versioned chain of entitlement updates each controller follows."""

from __future__ import annotations

from django.db import models

from ..choices import SnapshotKindChoices

__all__ = ["CompiledSnapshot", "SnapshotUpdate"]


class CompiledSnapshot(models.Model):
    """The current entitlements of one controller (only its doors, their zones and the people
    who may use them), signed, with what it was built from so staleness is a cheap check."""

    controller = models.OneToOneField("controllers.Controller", on_delete=models.CASCADE,
                                      related_name="snapshot")
    version = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64)
    site_revision = models.PositiveBigIntegerField()
    config_revision = models.PositiveBigIntegerField()
    payload = models.JSONField(help_text="The full state (wire form).")
    header = models.JSONField(help_text="The signed header of the full snapshot.")
    people = models.PositiveIntegerField(default=0)
    doors = models.PositiveIntegerField(default=0)
    built = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.controller} v{self.version}"


class SnapshotUpdate(models.Model):
    """One link of a controller's update chain: version `version` follows `prev_version`;
    a delta holds what changed between them."""

    controller = models.ForeignKey("controllers.Controller", on_delete=models.CASCADE,
                                   related_name="updates")
    version = models.PositiveBigIntegerField()
    prev_version = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=SnapshotKindChoices.choices)
    fingerprint = models.CharField(max_length=64)
    header = models.JSONField(help_text="The signed header.")
    payload = models.JSONField(help_text="The delta (empty for a full snapshot).")
    summary = models.JSONField(default=dict, help_text="Entities touched per collection.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["controller", "version"]
        constraints = [
            models.UniqueConstraint(fields=["controller", "version"],
                                    name="controllers_update_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.controller} v{self.version} ({self.kind})"
