"""Clicks on rewritten links: who, when, and whether a person or a scanner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import ClickKindChoices

__all__ = ["LinkClick"]


class LinkClick(models.Model):
    """One fetch of a click-time URL. `kind` says whether a person clicked (only `human`
    counts as a click) or a scanner, a prefetch or an unconfirmed page view."""

    ref = models.CharField(max_length=64, blank=True, help_text="Gateway queue id.")
    recipient = models.CharField(max_length=254)
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="mail_clicks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    url = models.TextField()
    host = models.CharField(max_length=253, blank=True)
    kind = models.CharField(max_length=20, choices=ClickKindChoices.choices)
    risky = models.BooleanField(default=False)
    reasons = models.JSONField(default=list)
    user_agent = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=64, blank=True)
    seconds_after_delivery = models.FloatField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["recipient", "-at"], name="mail_click_rcpt")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient} {self.host}"
