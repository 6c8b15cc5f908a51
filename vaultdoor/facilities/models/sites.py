"""The site (one contact centre) and its floors."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from .base import CODE_VALIDATOR, SiteObject

__all__ = ["Floor", "Site"]


def validate_timezone(value: str) -> None:
    """Accept only IANA time zone names the server knows (`Europe/London`)."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not an IANA time zone name") from exc


class Site(models.Model):
    """A contact centre building: the unit a site file describes and an import replaces.

    `revision` goes up on every change to the site's definition (import, admin edit), so a
    process can tell whether its compiled snapshot of the site is still current.
    """

    code = models.CharField(
        "ID", max_length=100, unique=True, validators=[CODE_VALIDATOR],
        help_text="The site id in the site file.",
    )
    name = models.CharField(max_length=200)
    timezone = models.CharField(
        max_length=64, validators=[validate_timezone], help_text="IANA name, e.g. Europe/London."
    )
    active = models.BooleanField(default=True)
    revision = models.PositiveBigIntegerField(
        default=1, editable=False, help_text="Goes up on every change to the site's definition."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"

    def bump_revision(self) -> None:
        """Mark the site's definition changed, so cached snapshots are recompiled."""
        Site.objects.filter(pk=self.pk).update(revision=F("revision") + 1)
        self.refresh_from_db(fields=["revision"])


class Floor(SiteObject):
    """A storey of the building; `level` 0 is the ground floor, -1 the basement."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="floors")
    name = models.CharField(max_length=200)
    level = models.IntegerField()

    class Meta:
        ordering = ["site", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="facilities_floor_unique_code"),
        ]
