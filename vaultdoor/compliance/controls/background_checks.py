"""Background checks: nobody with sensitive access lacks a current, clean clearance."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vaultdoor.facilities.models import Site
from vaultdoor.identity.models import Account
from vaultdoor.people.choices import VettingStatusChoices
from vaultdoor.vault.policy import CAPABILITIES
from vaultdoor.vetting.choices import DISQUALIFYING

from .base import FAIL, PASS, Control, Evidence, Result, percent
from .reach import active_people, reaching

__all__ = ["BackgroundChecks"]


class BackgroundChecks(Control):
    id = "background-checks"
    title = "Background checks"
    tip = ("Run background checks; identity theft, fraud or violent crime preclude access to "
           "sensitive areas and customer data.")
    per_site = True

    def evaluate(self, site: Site | None = None) -> Result:
        # Today in UTC: a clearance that lapses at site-local midnight may count for a few
        # hours more or less here than at the door; the doors use the exact instant.
        today = timezone.now().date()
        vault_user = Account.objects.filter(person_id=OuterRef("pk"), user__is_active=True,
                                            role__in=list(CAPABILITIES))
        zone_reach = reaching(requires_vetting=True)
        sensitive = active_people(site).filter(zone_reach | Q(Exists(vault_user)))
        current = Q(vetting_status=VettingStatusChoices.CLEARED) & (
            Q(vetting_expires__isnull=True) | Q(vetting_expires__gt=today))
        total = sensitive.count()
        by_zone = active_people(site).filter(zone_reach).count()
        by_vault = active_people(site).filter(Exists(vault_user)).count()
        not_cleared = sensitive.exclude(current).count()
        # Cleared people with findings on record are few: read only their finding lists.
        findings = sensitive.filter(current).exclude(vetting_findings=[]).values_list(
            "vetting_findings", flat=True)
        disqualified = sum(1 for found in findings if not DISQUALIFYING.isdisjoint(found or ()))
        failing = not_cleared + disqualified
        evidence = [
            Evidence("Active people with sensitive access", total, "console:vetting:list"),
            Evidence("… to zones that require vetting", by_zone, "console:zone_list"),
            Evidence("… to the customer vault (console role)", by_vault),
            Evidence("… not cleared, or clearance expired", not_cleared),
            Evidence("… cleared despite a disqualifying finding", disqualified),
        ]
        if total == 0:
            return Result(PASS, 100, "Nobody has access to sensitive zones or the customer "
                          "vault.", evidence)
        score = round(100 * (total - failing) / total)
        if failing:
            return Result(FAIL, score, f"{failing} of {total} people with sensitive access "
                          f"({percent(failing, total)}) have no current, clean clearance.",
                          evidence)
        return Result(PASS, 100, f"All {total} people with sensitive access have a current "
                      "clearance.", evidence)
