"""Vocabularies of schedules and access decisions."""

from __future__ import annotations

from django.db import models

__all__ = ["DecisionChoices", "DirectionChoices", "HolidayPolicyChoices", "ReasonChoices"]


class HolidayPolicyChoices(models.TextChoices):
    """Whether a schedule closes on the site's holidays."""

    CLOSED = "closed", "Closed on holidays"
    OPEN = "open", "Holidays ignored"


class DirectionChoices(models.TextChoices):
    """Which way someone passes a door."""

    IN = "in", "In"
    OUT = "out", "Out"


class DecisionChoices(models.TextChoices):
    """What a door was told to do."""

    GRANT = "grant", "Grant"
    DENY = "deny", "Deny"
    PENDING = "pending", "Pending (awaiting second person)"


class ReasonChoices(models.TextChoices):
    """Why a door decided as it did (site-format.md, order of checks)."""

    GRANTED = "granted", "Granted"
    DOOR_LOCKED = "door_locked", "Door locked"
    DOOR_UNLOCKED = "door_unlocked", "Door unlocked"
    UNREADABLE_CARD = "unreadable_card", "Unreadable card"
    UNKNOWN_CREDENTIAL = "unknown_credential", "Unknown credential"
    CREDENTIAL_INACTIVE = "credential_inactive", "Credential inactive"
    CREDENTIAL_NOT_YET_VALID = "credential_not_yet_valid", "Credential not yet valid"
    CREDENTIAL_EXPIRED = "credential_expired", "Credential expired"
    PERSON_INACTIVE = "person_inactive", "Person inactive"
    PIN_REQUIRED = "pin_required", "PIN required"
    WRONG_PIN = "wrong_pin", "Wrong PIN"
    BIOMETRIC_REQUIRED = "biometric_required", "Biometric required"
    BIOMETRIC_MISMATCH = "biometric_mismatch", "Biometric mismatch"
    NO_ACCESS = "no_access", "No access"
    OUTSIDE_SCHEDULE = "outside_schedule", "Outside schedule"
    HOLIDAY = "holiday", "Holiday"
    VETTING_REQUIRED = "vetting_required", "Vetting required"
    ANTI_PASSBACK = "anti_passback", "Anti-passback"
    OCCUPANCY_FULL = "occupancy_full", "Occupancy full"
    AWAITING_SECOND_PERSON = "awaiting_second_person", "Awaiting second person"
