"""Vocabularies of the mail gateway's records."""

from __future__ import annotations

from django.db import models

__all__ = ["AssignTrainingChoices", "CampaignStatusChoices", "ClickKindChoices",
           "QuarantineStatusChoices", "ReportChannelChoices", "ReportStatusChoices",
           "SmtpSecurityChoices", "TrainingReasonChoices"]


class QuarantineStatusChoices(models.TextChoices):
    """Where a quarantined message is: held, sent on by an operator, or thrown away."""

    HELD = "held", "Held"
    RELEASED = "released", "Released"
    DELETED = "deleted", "Deleted"


class ClickKindChoices(models.TextChoices):
    """Who (or what) fetched a click-time link, as far as the server can tell."""

    HUMAN = "human", "Person"
    SCANNER = "scanner", "Security scanner or bot"
    PREFETCH = "prefetch", "Browser prefetch"
    UNCONFIRMED = "unconfirmed", "Page shown, not confirmed"
    DECLINED = "declined", "Went back at the warning"
    BLOCKED = "blocked", "Blocked (not a web link)"


class ReportChannelChoices(models.TextChoices):
    """How a message reached the security team as a report."""

    FORWARD = "forward", "Forwarded to the report address"
    ONE_CLICK = "one_click", "One-click report"


class ReportStatusChoices(models.TextChoices):
    """The security team's triage of a reported message."""

    NEW = "new", "New"
    PHISHING = "phishing", "Phishing"
    SPAM = "spam", "Spam"
    BENIGN = "benign", "Benign"


class CampaignStatusChoices(models.TextChoices):
    """Where an awareness campaign is: being prepared, waiting for its time, sending, done,
    or stopped by an operator (what was sent stays sent)."""

    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


class AssignTrainingChoices(models.TextChoices):
    """Who in a campaign gets its training module."""

    CLICKED = "clicked", "Everyone who clicked"
    SUBMITTED = "submitted", "Only those who submitted the landing page"
    NONE = "none", "Nobody"


class TrainingReasonChoices(models.TextChoices):
    """Why someone was assigned a training module."""

    CLICKED = "clicked", "Clicked a simulated phishing link"
    SUBMITTED = "submitted", "Submitted a simulated phishing page"
    MANUAL = "manual", "Assigned by the security team"


class SmtpSecurityChoices(models.TextChoices):
    """How a sending profile protects its SMTP connection."""

    STARTTLS = "starttls", "STARTTLS (port 587)"
    TLS = "tls", "TLS from the start (port 465)"
    NONE = "none", "None (a relay on a private network only)"
