"""A door controller, the doors it drives, how it enrols and the credential it then holds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from vaultdoor.facilities.models.base import CODE_VALIDATOR

from ..choices import FailureModeChoices

__all__ = ["Controller", "ControllerCredential", "ControllerDoor", "EnrolmentCode"]

DEFAULT_OFFLINE_GRACE_S = 7 * 24 * 3600


class Controller(models.Model):
    """A door controller on a wall of the building: it holds the entitlements of its doors,
    decides locally (also while the server is away) and reports every event.

    The status fields are what the controller last told the server (heartbeat and events)."""

    name = models.CharField(max_length=100, unique=True, validators=[CODE_VALIDATOR])
    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT,
                             related_name="controllers")
    doors = models.ManyToManyField("facilities.Door", through="ControllerDoor",
                                   related_name="controllers")
    failure_mode = models.CharField(
        max_length=10, choices=FailureModeChoices.choices, default=FailureModeChoices.SECURE,
        help_text="Default for its doors once offline longer than the grace period.",
    )
    offline_grace_s = models.PositiveIntegerField(
        "offline grace (s)", default=DEFAULT_OFFLINE_GRACE_S, validators=[MinValueValidator(1)],
        help_text="How long it keeps deciding from its cached snapshot without the server.",
    )
    config_revision = models.PositiveBigIntegerField(
        default=1, editable=False,
        help_text="Goes up when its doors or settings change, so its snapshot is rebuilt.",
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Status, as last reported.
    last_seen = models.DateTimeField(null=True, blank=True)
    reported_version = models.PositiveBigIntegerField(
        "snapshot version", null=True, blank=True, help_text="The version it runs."
    )
    spool_depth = models.PositiveBigIntegerField(null=True, blank=True)
    clock_skew_ms = models.BigIntegerField(
        null=True, blank=True, help_text="Its clock minus the server's, in milliseconds."
    )
    last_event_seq = models.PositiveBigIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def is_online(self, *, within_s: int = 60) -> bool:
        """Whether it has been heard from in the last `within_s` seconds."""
        if self.last_seen is None or self.revoked:
            return False
        return (timezone.now() - self.last_seen).total_seconds() <= within_s

    def bump_config(self) -> None:
        """Mark its doors or settings changed, so the next sync builds a new snapshot."""
        Controller.objects.filter(pk=self.pk).update(
            config_revision=models.F("config_revision") + 1
        )
        self.refresh_from_db(fields=["config_revision"])


class ControllerDoor(models.Model):
    """A door driven by a controller, with its own failure mode if it differs."""

    controller = models.ForeignKey(Controller, on_delete=models.CASCADE,
                                   related_name="door_links")
    door = models.ForeignKey("facilities.Door", on_delete=models.PROTECT,
                             related_name="controller_links")
    failure_mode = models.CharField(
        max_length=10, choices=FailureModeChoices.choices, blank=True,
        help_text="Empty: the controller's. Doors into high-security zones always fail secure.",
    )

    class Meta:
        ordering = ["controller", "door__code"]
        constraints = [
            models.UniqueConstraint(fields=["controller", "door"],
                                    name="controllers_door_unique_link"),
            # One controller per door: two controllers deciding one door would each keep
            # their own anti-passback and two-person state.
            models.UniqueConstraint(fields=["door"], name="controllers_door_one_controller"),
        ]

    def __str__(self) -> str:
        return f"{self.controller} -> {self.door.code}"


class EnrolmentCode(models.Model):
    """A one-time code an installer types into a new controller to enrol it; stored only as a
    keyed hash, spent on first use, useless after `expires_at`."""

    controller = models.ForeignKey(Controller, on_delete=models.CASCADE,
                                   related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"enrolment code for {self.controller}"


class ControllerCredential(models.Model):
    """The secret a controller presents on every call: scoped to that one controller, stored
    as a keyed hash, revocable."""

    controller = models.ForeignKey(Controller, on_delete=models.CASCADE,
                                   related_name="credentials")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"credential of {self.controller}"
