"""Awareness campaigns (simulated phishing): who was sent what, and who clicked or reported."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..choices import AssignTrainingChoices, CampaignStatusChoices, SmtpSecurityChoices

__all__ = ["Campaign", "CampaignTarget", "LandingPage", "MessageTemplate", "SendingProfile"]


class LandingPage(models.Model):
    """The page a campaign's link leads to after a person's click: an imitation sign-in form.

    What people type never reaches the server: the form's inputs have no `name`, so the
    browser sends none of it, and the view reads no field of what is posted anyway. Only the
    fact of a submission is recorded. After it (or the "this was a test" link) the page says
    it was an exercise and points to the person's training."""

    name = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=200, help_text="The page's heading, e.g. 'Sign in'.")
    intro = models.TextField(blank=True, help_text="Plain text above the form.")
    fields = models.TextField(
        default="Email\nPassword",
        help_text="One input label a line; a label with 'password' in it is a password input.")
    button = models.CharField(max_length=60, default="Sign in")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def inputs(self) -> list[dict[str, str]]:
        """The form's inputs: label, type and an id (never a name)."""
        shown = []
        for n, label in enumerate(x.strip() for x in self.fields.splitlines()):
            if label:
                kind = "password" if "password" in label.lower() else "text"
                shown.append({"label": label[:80], "type": kind, "id": f"field-{n}"})
        return shown[:6]

    def clean(self) -> None:
        """Plain-text labels only, and a form that never posts what is typed
        (`vaultdoor.mail.library.check_landing_page`)."""
        from ..library import check_landing_page

        check_landing_page(self)


class MessageTemplate(models.Model):
    """A simulated phishing message kept for reuse (Gophish's email template): subject, sender
    and HTML body with `{{ link }}` and `{{ name }}`. A campaign copies it when it is made, so
    changing the template later never changes what a campaign sent."""

    name = models.CharField(max_length=100, unique=True)
    subject = models.CharField(max_length=300)
    from_address = models.CharField(max_length=254)
    html_body = models.TextField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from ..library import check_message_template

        check_message_template(subject=self.subject, from_address=self.from_address,
                               html_body=self.html_body)


class SendingProfile(models.Model):
    """An SMTP server campaigns are sent through (Gophish's sending profile): where, how the
    connection is protected, and who to log in as. The password is never in the database:
    `password_file` is a `file:` reference to a file that holds it, as every secret here."""

    name = models.CharField(max_length=100, unique=True)
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=587)
    security = models.CharField(max_length=20, choices=SmtpSecurityChoices.choices,
                                default=SmtpSecurityChoices.STARTTLS)
    username = models.CharField(max_length=254, blank=True)
    password_file = models.CharField(max_length=500, blank=True,
                                     help_text="file:/path of the password (never the password).")
    ca_file = models.CharField(max_length=500, blank=True,
                               help_text="CA bundle for a relay with a private CA; empty: the "
                                         "system's.")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"

    def clean(self) -> None:
        """The password only as a `file:` reference to a file that exists
        (`vaultdoor.mail.library.check_sending_profile`)."""
        from ..library import check_sending_profile

        check_sending_profile(self)


class Campaign(models.Model):
    """A simulated phishing message sent to a group through an SMTP profile, throttled.

    `html_body` may contain `{{ link }}` (the tracked link) and `{{ name }}` (the target's
    name); the link leads through the click-time view to `landing_url` (a training page)."""

    name = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    from_address = models.CharField(max_length=254)
    html_body = models.TextField()
    landing_url = models.URLField(max_length=500)
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="campaigns", help_text="The template it was made from (its text was copied).")
    landing_page = models.ForeignKey(
        LandingPage, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        help_text="Hosted landing page (submissions tracked); without one, a click leads to "
                  "`landing_url`.")
    training_module = models.ForeignKey(
        "mail.TrainingModule", on_delete=models.PROTECT, null=True, blank=True,
        related_name="campaigns", help_text="Assigned after a click or submission; empty: the "
                                            "built-in phishing basics module.")
    assign_training = models.CharField(max_length=20, choices=AssignTrainingChoices.choices,
                                       default=AssignTrainingChoices.CLICKED)
    track_opens = models.BooleanField(
        default=True, help_text="Add a tracking image (opens are a lower bound: many mail "
                                "clients block images, and privacy proxies fetch them early).")
    profile = models.ForeignKey(
        SendingProfile, on_delete=models.PROTECT, null=True, blank=True,
        related_name="campaigns", help_text="Where it is sent; empty: plain SMTP to "
                                            "`smtp_host`:`smtp_port`.")
    smtp_host = models.CharField(max_length=253, default="127.0.0.1")
    smtp_port = models.PositiveIntegerField(default=25)
    per_minute = models.PositiveIntegerField(default=30, help_text="Sending throttle.")
    status = models.CharField(max_length=20, choices=CampaignStatusChoices.choices,
                              default=CampaignStatusChoices.DRAFT)
    scheduled_at = models.DateTimeField(
        null=True, blank=True, help_text="When `vaultdoor mail campaign run` starts sending.")
    next_send_at = models.DateTimeField(
        null=True, blank=True, help_text="The next sending slot (every 60/per_minute s), taken "
                                         "atomically by a runner: the pace holds across "
                                         "restarts and with several runners.")
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
    message_ref = models.CharField(
        max_length=64, blank=True, db_index=True,
        help_text="An id like the gateway's, for reporting it in one click from the portal "
                  "(nothing in it says it is an exercise).")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Temporary (4xx) refusals so far.")
    retry_at = models.DateTimeField(null=True, blank=True,
                                    help_text="After a temporary refusal: not before then.")
    send_error = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="Submitted the landing page's form (what was typed is "
                                         "never sent nor stored).")
    reported_at = models.DateTimeField(null=True, blank=True)
    gateway_passed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When vaultdoor's own mail gateway recognised this exercise message and let "
                  "it through unchanged (once: a second message with its id is scanned).")
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
