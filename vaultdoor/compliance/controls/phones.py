"""Phones only in designated areas: call floors forbid phones, and somewhere allows them."""

from __future__ import annotations

from django.db.models import Count, Q

from vaultdoor.facilities.choices import PhonePolicyChoices
from vaultdoor.facilities.models import Site, Zone

from .base import FAIL, NOT_MEASURED, PASS, WARN, Control, Evidence, Result

__all__ = ["DesignatedPhoneAreas"]

NO_DESIGNATED_CAP = 50


class DesignatedPhoneAreas(Control):
    id = "phone-areas"
    title = "Phones only in designated areas"
    tip = "Allow phones only in designated, clearly marked areas."
    per_site = True

    def evaluate(self, site: Site | None = None) -> Result:
        zones = Zone.objects.filter(active=True)
        if site is not None:
            zones = zones.filter(site=site)
        # A call floor: a zone that holds or shows customer information (site-format.md).
        call_floor = Q(customer_data=True)
        allowed = Q(phones=PhonePolicyChoices.ALLOWED)
        counts = zones.aggregate(
            total=Count("pk"),
            call_floors=Count("pk", filter=call_floor),
            call_floors_allowing=Count("pk", filter=call_floor & allowed),
            designated=Count("pk", filter=allowed),
        )
        total, floors = counts["total"], counts["call_floors"]
        allowing, designated = counts["call_floors_allowing"], counts["designated"]
        evidence = [
            Evidence("Zones", total, "console:zone_list"),
            Evidence("Call floors (zones with customer data)", floors),
            Evidence("… that allow phones", allowing),
            Evidence("Zones where phones are allowed (designated areas)", designated),
        ]
        if total == 0:
            return Result(NOT_MEASURED, None, "No zones are defined.", evidence)
        score = round(100 * (floors - allowing) / floors) if floors else 100
        if allowing:
            return Result(FAIL, score, f"{allowing} of {floors} call floor(s) allow phones.",
                          evidence)
        if designated == 0:
            return Result(WARN, min(score, NO_DESIGNATED_CAP), f"All {floors} call floor(s) "
                          "forbid phones, but no zone is designated for them.", evidence)
        return Result(PASS, score, f"All {floors} call floor(s) forbid phones; {designated} "
                      "zone(s) are designated for them.", evidence)
