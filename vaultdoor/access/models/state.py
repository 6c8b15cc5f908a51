"""Live door state: where people are and who is waiting at a two-person door."""

from __future__ import annotations

from django.db import models

__all__ = ["PendingPresentation", "PersonLocation"]


class PersonLocation(models.Model):
    """Where the access system last saw a person go: the zone they entered through a granted
    door. No row (or an empty zone) means outside. Anti-passback and occupancy read this."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="location"
    )
    zone = models.ForeignKey(
        "facilities.Zone", on_delete=models.CASCADE, null=True, blank=True,
        related_name="occupants", help_text="Empty: outside.",
    )
    since = models.DateTimeField()

    class Meta:
        ordering = ["person"]

    def __str__(self) -> str:
        return f"{self.person.code} in {self.zone.code if self.zone else 'outside'}"


class PendingPresentation(models.Model):
    """The first person of a two-person entry, waiting at a door for a second one."""

    door = models.OneToOneField(
        "facilities.Door", on_delete=models.CASCADE, primary_key=True, related_name="pending"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="pending_presentations"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.person.code} waiting at {self.door.code} since {self.at.isoformat()}"
