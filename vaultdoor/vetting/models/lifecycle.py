"""The lifecycle of a person at the centre: onboarding steps ticked off, and termination."""

from __future__ import annotations

from django.db import models

from ..choices import OnboardingItemChoices

__all__ = ["OnboardingItem", "Termination"]


class OnboardingItem(models.Model):
    """A manual onboarding step done for a person (training, policy signed...). Steps that
    other records prove (badge, account, second factor, vetting) are not stored here."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="onboarding_items"
    )
    item = models.CharField(max_length=30, choices=OnboardingItemChoices.choices)
    done_at = models.DateTimeField()
    done_by = models.CharField(max_length=150)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person", "item"]
        constraints = [
            models.UniqueConstraint(fields=["person", "item"], name="vetting_onboarding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item} for {self.person_id}"


class Termination(models.Model):
    """A person's termination: when, by whom, why, the audit correlation id that groups every
    revocation it made, and a summary of what was revoked."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="termination"
    )
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
    reason = models.CharField(max_length=300)
    correlation_id = models.CharField(max_length=32, unique=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"termination of {self.person_id}"
