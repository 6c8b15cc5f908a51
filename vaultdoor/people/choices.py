"""Vocabularies of people and their credentials, shared with the engine's site model."""

from __future__ import annotations

from django.db import models

__all__ = [
    "CardFormatChoices",
    "CredentialStatusChoices",
    "FindingChoices",
    "PersonKindChoices",
    "PersonStatusChoices",
    "VettingStatusChoices",
]


class PersonKindChoices(models.TextChoices):
    """How someone is engaged by the centre."""

    EMPLOYEE = "employee", "Employee"
    CONTRACTOR = "contractor", "Contractor"
    VISITOR = "visitor", "Visitor"


class PersonStatusChoices(models.TextChoices):
    """Whether someone may pass doors at all."""

    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class VettingStatusChoices(models.TextChoices):
    """Where a person's background check stands."""

    NOT_STARTED = "not_started", "Not started"
    PENDING = "pending", "Pending"
    CLEARED = "cleared", "Cleared"
    ADVERSE = "adverse", "Adverse"
    EXPIRED = "expired", "Expired"


class FindingChoices(models.TextChoices):
    """Categories of background-check findings; the first three preclude sensitive access."""

    IDENTITY_THEFT = "identity_theft", "Identity theft"
    FRAUD = "fraud", "Fraud"
    VIOLENT_CRIME = "violent_crime", "Violent crime"
    OTHER = "other", "Other"


class CardFormatChoices(models.TextChoices):
    """Wiegand badge formats the readers understand."""

    H10301 = "h10301", "H10301 (26-bit)"
    H10304 = "h10304", "H10304 (37-bit)"


class CredentialStatusChoices(models.TextChoices):
    """Whether a badge or biometric enrolment counts; only `active` opens doors."""

    ACTIVE = "active", "Active"
    LOST = "lost", "Lost"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
