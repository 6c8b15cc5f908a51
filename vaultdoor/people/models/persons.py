"""People who may present at a door."""

from __future__ import annotations

from django.db import models

from vaultdoor.facilities.models import SiteObject

from ..choices import PersonKindChoices, PersonStatusChoices, VettingStatusChoices

__all__ = ["Person"]


class Person(SiteObject):
    """Someone who may present at a door of a site: an employee, contractor or visitor, with
    their role, extra access levels and background-check (vetting) record.

    `code` is the person's id in the site file (an employee or contractor number).
    """

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PersonKindChoices.choices)
    status = models.CharField(
        max_length=20, choices=PersonStatusChoices.choices, default=PersonStatusChoices.ACTIVE
    )
    role = models.ForeignKey(
        "access.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    department = models.CharField(max_length=200, blank=True)
    access_levels = models.ManyToManyField(
        "access.AccessLevel", blank=True, related_name="people",
        help_text="Access levels in addition to the role's.",
    )
    vetting_status = models.CharField(
        max_length=20, choices=VettingStatusChoices.choices,
        default=VettingStatusChoices.NOT_STARTED,
    )
    vetting_completed = models.DateField(null=True, blank=True)
    vetting_expires = models.DateField(
        null=True, blank=True,
        help_text="From this site-local date on, the check no longer counts.",
    )
    vetting_findings = models.JSONField(
        default=list, blank=True,
        help_text="Finding categories: identity_theft, fraud, violent_crime, other.",
    )

    class Meta:
        ordering = ["site", "code"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="people_person_unique_code"),
        ]
        indexes = [models.Index(fields=["site", "name"], name="people_person_name")]
