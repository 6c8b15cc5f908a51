"""Messages people reported as suspicious, for the security team to triage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import ReportChannelChoices, ReportStatusChoices

__all__ = ["PhishReport"]


class PhishReport(models.Model):
    """One report of a message by the person who received it."""

    reporter = models.CharField(max_length=254, help_text="The reporter's mail address.")
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="mail_reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    channel = models.CharField(max_length=20, choices=ReportChannelChoices.choices)
    ref = models.CharField(max_length=64, blank=True,
                           help_text="Gateway queue id of the forward, or the delivery reported.")
    delivery = models.ForeignKey("mail.Delivery", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="reports")
    sender = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField(blank=True, default=b"", help_text="The reported message.")
    verdict = models.CharField(max_length=20, blank=True)
    score = models.FloatField(default=0.0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=ReportStatusChoices.choices,
                              default=ReportStatusChoices.NEW)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = "reported message"
        indexes = [models.Index(fields=["status", "-reported_at"], name="mail_report_status")]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} reported by {self.reporter}"

    @property
    def seconds_to_report(self) -> float | None:
        """Time from delivery to report, when the delivery is known."""
        if self.delivered_at is None:
            return None
        return max((self.reported_at - self.delivered_at).total_seconds(), 0.0)
