"""Access policy: schedules, holidays, access levels and roles."""

from __future__ import annotations

from django.db import models

from vaultdoor.facilities.models import SiteObject

from ..choices import HolidayPolicyChoices

__all__ = ["AccessLevel", "Holiday", "Role", "Schedule"]


class Schedule(SiteObject):
    """When the access levels that use it are active, as weekly windows of site-local time.

    `windows` is a list of `{"days": ["mon", ...], "from": "HH:MM", "to": "HH:MM"}` exactly as
    in the site file (`to` may be "24:00"; a window never crosses midnight).
    """

    site = models.ForeignKey(
        "facilities.Site", on_delete=models.PROTECT, related_name="schedules"
    )
    name = models.CharField(max_length=200, blank=True)
    windows = models.JSONField(default=list)
    holidays = models.CharField(
        max_length=10, choices=HolidayPolicyChoices.choices, default=HolidayPolicyChoices.CLOSED
    )

    class Meta:
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="access_schedule_unique_code"),
        ]


class Holiday(models.Model):
    """A site-local date on which schedules that close on holidays are inactive all day."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=200)
    active = models.BooleanField(
        default=True, help_text="Cleared when the last import no longer listed it."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="access_holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class AccessLevel(SiteObject):
    """A set of zones its holders may enter while its schedule is active."""

    site = models.ForeignKey(
        "facilities.Site", on_delete=models.PROTECT, related_name="access_levels"
    )
    name = models.CharField(max_length=200, blank=True)
    zones = models.ManyToManyField("facilities.Zone", related_name="access_levels")
    schedule = models.ForeignKey(
        "access.Schedule", on_delete=models.PROTECT, related_name="access_levels"
    )

    class Meta:
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "code"], name="access_accesslevel_unique_code"
            ),
        ]


class Role(SiteObject):
    """A job at the centre (agent, IT engineer) and the access levels that come with it."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="roles")
    name = models.CharField(max_length=200, blank=True)
    access_levels = models.ManyToManyField(
        "access.AccessLevel", blank=True, related_name="roles"
    )

    class Meta:
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="access_role_unique_code"),
        ]
