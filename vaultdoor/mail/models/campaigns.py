"""Awareness campaigns (simulated phishing): who was sent what, and who clicked or reported."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..choices import CampaignStatusChoices

__all__ = ["Campaign", "CampaignTarget"]


class Campaign(models.Model):
    """A simulated phishing message sent to a group through an SMTP profile, throttled.

    `html_body` may contain `{{ link }}` (the tracked link) and `{{ name }}` (the target's
    name); the link leads through the click-time view to `landing_url` (a training page)."""

    name = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    from_address = models.CharField(max_length=254)
    html_body = models.TextField()
    landing_url = models.URLField(max_length=500)
    smtp_host = models.CharField(max_length=253, default="127.0.0.1")
    smtp_port = models.PositiveIntegerField(default=25)
    per_minute = models.PositiveIntegerField(default=30, help_text="Sending throttle.")
    status = models.CharField(max_length=20, choices=CampaignStatusChoices.choices,
                              default=CampaignStatusChoices.DRAFT)
    scheduled_at = models.DateTimeField(
        null=True, blank=True, help_text="When `vaultdoor mail campaign run` starts sending.")
    created = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """One person in a campaign and what they did. Only a person's click sets `clicked_at`;
    scanners' fetches are counted apart."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="campaign_targets")
    address = models.CharField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When a sender took this target, before the SMTP transaction: a claimed "
                  "target is never sent again (at most once), whatever happens next.")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Temporary (4xx) refusals so far.")
    retry_at = models.DateTimeField(null=True, blank=True,
                                    help_text="After a temporary refusal: not before then.")
    send_error = models.CharField(max_length=300, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    scanner_fetches = models.PositiveIntegerField(
        default=0, help_text="Fetches of the link that were not a person's click.")

    class Meta:
        ordering = ["campaign", "address"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "address"],
                                    name="mail_campaigntarget_unique_address"),
        ]
        indexes = [models.Index(fields=["campaign", "claimed_at"], name="mail_target_claimed")]

    def __str__(self) -> str:
        return f"{self.campaign} -> {self.address}"
