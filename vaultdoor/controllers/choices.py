"""Vocabularies of door controllers and their alarms."""

from __future__ import annotations

from django.db import models

__all__ = ["AlarmStateChoices", "FailureModeChoices", "SnapshotKindChoices"]


class FailureModeChoices(models.TextChoices):
    """What a door does once its controller has been offline longer than its grace period."""

    SECURE = "secure", "Fail-secure (stays locked)"
    SAFE = "safe", "Fail-safe (opens)"


class SnapshotKindChoices(models.TextChoices):
    """Whether an update carries the whole state or the changes since the previous version."""

    FULL = "full", "Full snapshot"
    DELTA = "delta", "Delta"


class AlarmStateChoices(models.TextChoices):
    """Where an alarm is in its life: raised, seen by an operator, dealt with."""

    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLEARED = "cleared", "Cleared"
