"""What controllers report: the exactly-once event ledger and the alarms operators handle."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..choices import AlarmStateChoices

__all__ = ["Alarm", "ControllerEvent"]


class ControllerEvent(models.Model):
    """An event a controller sent and the server stored (in the audit log): the ledger that
    makes ingestion exactly-once by event id."""

    controller = models.ForeignKey("controllers.Controller", on_delete=models.CASCADE,
                                   related_name="events")
    event_id = models.UUIDField(unique=True)
    seq = models.PositiveBigIntegerField(help_text="Its place in the controller's spool.")
    type = models.CharField(max_length=60)
    door = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(help_text="When it happened, by the controller's clock.")
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["controller", "seq"]
        indexes = [models.Index(fields=["controller", "seq"], name="controllers_event_seq")]

    def __str__(self) -> str:
        return f"{self.controller} #{self.seq} {self.type}"


class Alarm(models.Model):
    """A condition at a door or controller that needs a person: door forced or held open,
    spool nearly full, snapshot refused. Operators acknowledge it, then clear it."""

    controller = models.ForeignKey("controllers.Controller", on_delete=models.CASCADE,
                                   related_name="alarms")
    door = models.ForeignKey("facilities.Door", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="alarms")
    kind = models.CharField(max_length=60, help_text="The event type that raised it.")
    state = models.CharField(max_length=20, choices=AlarmStateChoices.choices,
                             default=AlarmStateChoices.OPEN)
    detail = models.JSONField(default=dict, blank=True)
    event_id = models.UUIDField(null=True, blank=True)
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+")
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["state", "raised_at"], name="controllers_alarm_open")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.door or self.controller} ({self.state})"
