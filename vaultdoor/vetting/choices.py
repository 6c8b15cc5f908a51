"""Vocabularies of background checks, adjudication, adverse action and the lifecycle."""

from __future__ import annotations

from django.db import models

from vaultdoor.people.choices import FindingChoices, VettingStatusChoices

__all__ = [
    "DISQUALIFYING",
    "AdjudicationOutcomeChoices",
    "AdverseStageChoices",
    "CheckStatusChoices",
    "FindingChoices",
    "OnboardingItemChoices",
]

# A check's status uses the same words as a person's effective vetting (site-format.md).
CheckStatusChoices = VettingStatusChoices

# Records in these categories preclude sensitive access whatever a status says (issue 4).
DISQUALIFYING = frozenset({
    FindingChoices.IDENTITY_THEFT.value, FindingChoices.FRAUD.value,
    FindingChoices.VIOLENT_CRIME.value,
})


class AdjudicationOutcomeChoices(models.TextChoices):
    """What an individualised review decided about a check."""

    CLEARED = "cleared", "Cleared"
    ADVERSE = "adverse", "Adverse: start adverse action"


class AdverseStageChoices(models.TextChoices):
    """Where an adverse action stands: notice sent and waiting, then a final decision."""

    WAITING = "waiting", "Pre-adverse notice sent, waiting period running"
    UPHELD = "upheld", "Final: adverse decision upheld"
    RESCINDED = "rescinded", "Final: rescinded, cleared"


class OnboardingItemChoices(models.TextChoices):
    """The steps of a new starter's onboarding; the first four are read from other records,
    the rest are ticked off by a person."""

    BADGE_ISSUED = "badge_issued", "Badge issued"
    ACCOUNT_CREATED = "account_created", "Console account created"
    SECOND_FACTOR = "second_factor", "Second factor enrolled"
    VETTING_CLEARED = "vetting_cleared", "Vetting cleared"
    TRAINING_DONE = "training_done", "Security awareness training done"
    POLICY_SIGNED = "policy_signed", "Acceptable use and clean desk policy signed"
    PHONE_POLICY = "phone_policy", "Personal phone policy explained (lockers)"


AUTOMATIC_ITEMS = frozenset({
    OnboardingItemChoices.BADGE_ISSUED, OnboardingItemChoices.ACCOUNT_CREATED,
    OnboardingItemChoices.SECOND_FACTOR, OnboardingItemChoices.VETTING_CLEARED,
})
