"""Vocabularies of the building (zones and doors), shared with the engine's site model."""

from __future__ import annotations

from django.db import models

__all__ = [
    "AntiPassbackChoices",
    "DoorModeChoices",
    "PhonePolicyChoices",
    "PurposeChoices",
    "SecurityLevelChoices",
]


class SecurityLevelChoices(models.TextChoices):
    """How sensitive a zone is; `high` zones refuse keypad-only and unlocked doors."""

    PUBLIC = "public", "Public"
    STANDARD = "standard", "Standard"
    RESTRICTED = "restricted", "Restricted"
    HIGH = "high", "High"


class PurposeChoices(models.TextChoices):
    """What a zone is used for; equipment and records rooms need vetting by default."""

    GENERAL = "general", "General"
    EQUIPMENT = "equipment", "Equipment"
    RECORDS = "records", "Records"
    BREAK = "break", "Break room"
    TRAINING = "training", "Training"


class PhonePolicyChoices(models.TextChoices):
    """Whether personal phones may be carried in a zone."""

    ALLOWED = "allowed", "Allowed"
    FORBIDDEN = "forbidden", "Forbidden"


class AntiPassbackChoices(models.TextChoices):
    """What happens when someone enters a zone they are already in, or leaves one they are not."""

    NONE = "none", "None"
    SOFT = "soft", "Soft (warn)"
    HARD = "hard", "Hard (deny)"


class DoorModeChoices(models.TextChoices):
    """What a door's reader asks for."""

    CARD = "card", "Card"
    CARD_AND_PIN = "card_and_pin", "Card and PIN"
    CARD_AND_BIOMETRIC = "card_and_biometric", "Card and biometric"
    PIN = "pin", "PIN (keypad only)"
    LOCKED = "locked", "Locked"
    UNLOCKED = "unlocked", "Unlocked"
