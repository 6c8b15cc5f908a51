"""Zones (areas behind doors) and the doors between them."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from ..choices import (
    AntiPassbackChoices,
    DoorModeChoices,
    PhonePolicyChoices,
    PurposeChoices,
    SecurityLevelChoices,
)
from .base import SiteObject

__all__ = ["Door", "Zone"]


class Zone(SiteObject):
    """An area of the building behind doors (a call floor, the equipment vault), with its
    security level, purpose, phone policy and entry rules."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="zones")
    floor = models.ForeignKey("facilities.Floor", on_delete=models.PROTECT, related_name="zones")
    name = models.CharField(max_length=200)
    security = models.CharField(
        max_length=20, choices=SecurityLevelChoices.choices, default=SecurityLevelChoices.STANDARD
    )
    purpose = models.CharField(
        max_length=20, choices=PurposeChoices.choices, default=PurposeChoices.GENERAL
    )
    phones = models.CharField(
        max_length=20, choices=PhonePolicyChoices.choices, default=PhonePolicyChoices.FORBIDDEN
    )
    customer_data = models.BooleanField(
        default=False, help_text="The zone holds or shows customer information."
    )
    requires_vetting = models.BooleanField(
        default=False, help_text="Entry needs a cleared background check."
    )
    anti_passback = models.CharField(
        max_length=10, choices=AntiPassbackChoices.choices, default=AntiPassbackChoices.NONE
    )
    max_occupancy = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Most people tracked inside at once; empty for no limit.",
    )
    two_person = models.BooleanField(
        default=False, help_text="Entry needs two different authorised people."
    )
    two_person_window_s = models.PositiveIntegerField(
        "two-person window (s)", default=10, validators=[MinValueValidator(1)],
        help_text="Seconds within which the second person must present.",
    )

    class Meta:
        ordering = ["site", "floor__level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="facilities_zone_unique_code"),
        ]


class Door(SiteObject):
    """A door with a reader: passing it `in` moves someone from `from_zone` (empty means the
    public outside) into `to_zone`."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="doors")
    name = models.CharField(max_length=200)
    from_zone = models.ForeignKey(
        "facilities.Zone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="exits", help_text="Empty: the door leads in from outside the building.",
    )
    to_zone = models.ForeignKey(
        "facilities.Zone", on_delete=models.PROTECT, related_name="entrances"
    )
    mode = models.CharField(
        max_length=20, choices=DoorModeChoices.choices, default=DoorModeChoices.CARD
    )

    class Meta:
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="facilities_door_unique_code"),
        ]
