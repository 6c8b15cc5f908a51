"""Background checks, their findings, the individualised reviews that decide them and the
adverse actions that follow an adverse review.

Nothing here is ever deleted: a finding recorded in error is withdrawn (with who and why), so
the history of every vetting decision stays complete for an assessor.
"""

from __future__ import annotations

from django.db import models

from ..choices import (
    DISQUALIFYING,
    AdjudicationOutcomeChoices,
    AdverseStageChoices,
    CheckStatusChoices,
    FindingChoices,
)

__all__ = ["Adjudication", "AdverseAction", "BackgroundCheck", "Finding", "WebhookDelivery"]


class BackgroundCheck(models.Model):
    """One background check of a person by a provider: what it covered, when it was asked for
    and finished, its status, and when the person must be screened again."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        IMPORT = "import", "CSV import"
        WEBHOOK = "webhook", "Provider webhook"
        SITE_FILE = "site_file", "Site file (before the first check here)"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="background_checks"
    )
    provider = models.CharField(max_length=100)
    reference = models.CharField(
        max_length=100, blank=True, help_text="The provider's id for this check (for updates)."
    )
    scope = models.CharField(
        max_length=200, blank=True, help_text="What was checked: identity, criminal, credit..."
    )
    requested = models.DateField(null=True, blank=True)
    completed = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=CheckStatusChoices.choices, default=CheckStatusChoices.PENDING
    )
    rescreen_due = models.DateField(
        null=True, blank=True,
        help_text="From this site-local date on, the clearance no longer counts.",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_by = models.CharField(max_length=150, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"], condition=~models.Q(reference=""),
                name="vetting_check_unique_reference",
            ),
        ]
        indexes = [models.Index(fields=["status", "rescreen_due"], name="vetting_check_due")]

    def __str__(self) -> str:
        return f"{self.provider} check of {self.person.code} ({self.status})"


class Finding(models.Model):
    """A record the check turned up, by category. Findings are sensitive personal data: only
    holders of `vetting.view_finding` (HR/vetting officers, security admins) see them."""

    background_check = models.ForeignKey(
        BackgroundCheck, on_delete=models.PROTECT, related_name="findings",
    )
    category = models.CharField(max_length=20, choices=FindingChoices.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=150, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["background_check", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.category} finding #{self.pk}"

    @property
    def disqualifying(self) -> bool:
        return self.category in DISQUALIFYING

    @property
    def counts(self) -> bool:
        """Whether the finding is on the record (not withdrawn)."""
        return self.withdrawn_at is None


class Adjudication(models.Model):
    """An individualised review of a check: who decided, why, and the outcome."""

    background_check = models.ForeignKey(
        BackgroundCheck, on_delete=models.PROTECT, related_name="adjudications",
    )
    outcome = models.CharField(max_length=10, choices=AdjudicationOutcomeChoices.choices)
    reason = models.TextField(
        help_text="The individual review: the nature of any record, time since, relevance "
                  "to the job, and anything the person said."
    )
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["background_check", "decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.outcome} by {self.decided_by}"


class AdverseAction(models.Model):
    """The steps after an adverse review: a pre-adverse notice, a waiting period of business
    days in which the person may respond, then a final decision (upheld or rescinded)."""

    background_check = models.ForeignKey(
        BackgroundCheck, on_delete=models.PROTECT, related_name="adverse_actions",
    )
    adjudication = models.OneToOneField(
        Adjudication, on_delete=models.PROTECT, related_name="adverse_action"
    )
    stage = models.CharField(
        max_length=10, choices=AdverseStageChoices.choices, default=AdverseStageChoices.WAITING
    )
    notice_sent_at = models.DateTimeField()
    waiting_days = models.PositiveSmallIntegerField()
    waiting_until = models.DateField(
        help_text="The last business day of the waiting period (site-local); the final "
                  "decision may be made from the next day on."
    )
    response = models.TextField(blank=True, help_text="What the person said, if anything.")
    final_by = models.CharField(max_length=150, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)
    final_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["background_check", "notice_sent_at", "pk"]

    def __str__(self) -> str:
        return f"adverse action on check #{self.background_check_id} ({self.stage})"


class WebhookDelivery(models.Model):
    """A provider webhook delivery already accepted, so a replay of it is refused."""

    signature = models.CharField(max_length=64, unique=True, help_text="hex HMAC-SHA256")
    delivery_id = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "delivery_id"], condition=~models.Q(delivery_id=""),
                name="vetting_delivery_unique_id",
            ),
        ]
