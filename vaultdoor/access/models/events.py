"""Door events: the queryable record of every access decision."""

from __future__ import annotations

from django.db import models

from ..choices import DecisionChoices, DirectionChoices, ReasonChoices

__all__ = ["DoorEvent"]


class DoorEvent(models.Model):
    """One decision at a door (grant, deny or pending), kept for the dashboard and the event
    log. The audit log entry (`audit_seq`) is the tamper-evident proof; this row is for fast
    queries by time, door, zone, person and reason."""

    site = models.ForeignKey(
        "facilities.Site", on_delete=models.PROTECT, related_name="door_events"
    )
    at = models.DateTimeField(help_text="When the person presented (the swipe's time).")
    recorded = models.DateTimeField(auto_now_add=True)
    door = models.ForeignKey("facilities.Door", on_delete=models.PROTECT, related_name="events")
    zone = models.ForeignKey(
        "facilities.Zone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="door_events", help_text="The zone being entered or left.",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="door_events", help_text="Empty when no credential was read or matched.",
    )
    direction = models.CharField(max_length=3, choices=DirectionChoices.choices)
    decision = models.CharField(max_length=10, choices=DecisionChoices.choices)
    reason = models.CharField(max_length=40, choices=ReasonChoices.choices)
    warnings = models.JSONField(default=list, blank=True)
    companions = models.JSONField(
        default=list, blank=True, help_text="Person ids who entered with this grant."
    )
    credential = models.CharField(
        max_length=100, blank=True, help_text="What was presented, e.g. 'card h10301 42:10231'."
    )
    actor = models.CharField(max_length=150, blank=True, help_text="Who asked for the decision.")
    audit_seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Sequence number of the audit log entry."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        permissions = [("decide", "Can request access decisions at doors")]
        indexes = [
            models.Index(fields=["site", "-at"], name="access_doorevent_site_at"),
            models.Index(fields=["door", "-at"], name="access_doorevent_door_at"),
            models.Index(fields=["person", "-at"], name="access_doorevent_person_at"),
            models.Index(fields=["decision", "reason"], name="access_doorevent_outcome"),
        ]

    def __str__(self) -> str:
        who = self.person.code if self.person else "unknown"
        return f"{self.at.isoformat()} {self.door.code} {who}: {self.decision} {self.reason}"
