"""Messages the gateway handled: deliveries (sent on) and quarantined ones (held back)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import QuarantineStatusChoices

__all__ = ["Delivery", "QuarantinedMessage"]


class Delivery(models.Model):
    """One message to one recipient that the gateway passed on: what click-time links and
    reports point back to (and time-to-report is measured from)."""

    ref = models.CharField(max_length=64, unique=True, help_text="Gateway queue id.")
    recipient = models.CharField(max_length=254)
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="mail_deliveries")
    envelope_sender = models.CharField(max_length=254, blank=True)
    from_header = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    verdict = models.CharField(max_length=20)
    score = models.FloatField(default=0.0)
    banner = models.BooleanField(default=False, help_text="Marked as from an unknown sender.")
    links_rewritten = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["recipient", "-received_at"], name="mail_delivery_rcpt")]

    def __str__(self) -> str:
        return f"{self.ref} to {self.recipient}"


class QuarantinedMessage(models.Model):
    """A message held back (phishing verdict, or unreadable): never shown as HTML, released
    or deleted by an operator, each action audited."""

    ref = models.CharField(max_length=64, unique=True, help_text="Gateway queue id.")
    envelope_sender = models.CharField(max_length=254, blank=True)
    recipients = models.JSONField(default=list)
    from_header = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    verdict = models.CharField(max_length=20)
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=300, blank=True)
    scan = models.JSONField(default=dict, help_text="The analyser's report.")
    raw = models.BinaryField(help_text="The message as received.")
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=QuarantineStatusChoices.choices,
                              default=QuarantineStatusChoices.HELD)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "quarantined message"
        indexes = [models.Index(fields=["status", "-received_at"], name="mail_quarantine_status")]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.envelope_sender or '<>'}"
