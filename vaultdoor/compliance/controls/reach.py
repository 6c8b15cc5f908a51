"""Who can get into which zones: the people whose access levels (their own or their role's)
include a zone of a given kind, as one filter with two EXISTS subqueries (no per-person loop)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from vaultdoor.access.models import AccessLevel, Role
from vaultdoor.facilities.models import Site
from vaultdoor.people.choices import PersonStatusChoices
from vaultdoor.people.models import Person

__all__ = ["active_people", "reaching"]


def active_people(site: Site | None = None) -> QuerySet[Person]:
    """People who may pass doors at all: active status, still listed by the site."""
    people = Person.objects.filter(active=True, status=PersonStatusChoices.ACTIVE)
    return people.filter(site=site) if site is not None else people


def reaching(**zone: Any) -> Q:
    """A filter on Person: their access levels include an active zone with these field values
    (`security="high"`), directly or through their role. The level must be active too."""
    zone_rows = AccessLevel.zones.through.objects.filter(
        accesslevel_id=OuterRef("pk"), zone__active=True,
        **{f"zone__{name}": value for name, value in zone.items()})
    levels = AccessLevel.objects.filter(Exists(zone_rows), active=True).values("pk")
    direct = Person.access_levels.through.objects.filter(
        person_id=OuterRef("pk"), accesslevel_id__in=levels)
    through_role = Role.access_levels.through.objects.filter(
        role_id=OuterRef("role_id"), role__active=True, accesslevel_id__in=levels)
    return Q(Exists(direct)) | Q(Exists(through_role))
