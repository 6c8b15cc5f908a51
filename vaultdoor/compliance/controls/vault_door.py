"""Vault door: high-security zones are entered only through doors that ask for more than a card."""

from __future__ import annotations

from django.db.models import Count, Q

from vaultdoor.facilities.choices import DoorModeChoices, SecurityLevelChoices
from vaultdoor.facilities.models import Door, Site, Zone

from .base import FAIL, PASS, WARN, Control, Evidence, Result

__all__ = ["VaultDoor"]

# More than a card: a second factor at the reader, or a door that never opens (fire exits).
STRONG_MODES = (DoorModeChoices.CARD_AND_PIN, DoorModeChoices.CARD_AND_BIOMETRIC,
                DoorModeChoices.LOCKED)
# Anyone who learns (or watches) the code gets in; or no check at all.
REFUSED_MODES = (DoorModeChoices.PIN, DoorModeChoices.UNLOCKED)


class VaultDoor(Control):
    id = "vault-door"
    title = "Vault door"
    tip = ("Keep equipment behind a vault door that only those with a reason to enter can "
           "open; number pads are easy to compromise.")
    per_site = True

    def evaluate(self, site: Site | None = None) -> Result:
        zones = Zone.objects.filter(active=True, security=SecurityLevelChoices.HIGH)
        doors = Door.objects.filter(active=True, to_zone__active=True,
                                    to_zone__security=SecurityLevelChoices.HIGH)
        if site is not None:
            zones, doors = zones.filter(site=site), doors.filter(site=site)
        high = zones.count()
        counts = doors.aggregate(
            total=Count("pk"),
            # two-person rule: a card door still needs a second authorised person
            strong=Count("pk", filter=Q(mode__in=STRONG_MODES) | (
                Q(to_zone__two_person=True) & ~Q(mode__in=REFUSED_MODES))),
            refused=Count("pk", filter=Q(mode__in=REFUSED_MODES)),
            two_person=Count("pk", filter=Q(to_zone__two_person=True)),
        )
        total, strong, refused = counts["total"], counts["strong"], counts["refused"]
        weak = total - strong - refused
        evidence = [
            Evidence("High-security zones", high, "console:zone_list"),
            Evidence("Doors into them", total, "console:door_list"),
            Evidence("… needing more than a card (card+PIN, card+biometric, two-person, locked)",
                     strong),
            Evidence("… card only", weak),
            Evidence("… keypad only or unlocked", refused),
            Evidence("… into two-person zones", counts["two_person"]),
        ]
        if high == 0:
            return Result(WARN, 50, "No zone is marked high security: nothing is behind a "
                          "vault door.", evidence)
        if total == 0:
            return Result(WARN, 50, f"{high} high-security zone(s) have no door with a reader "
                          "into them.", evidence)
        score = round(100 * strong / total)
        if refused:
            return Result(FAIL, min(score, 40), f"{refused} of {total} door(s) into "
                          f"{high} high-security zone(s) open with a keypad alone or are "
                          "unlocked.", evidence)
        if weak:
            return Result(WARN, score, f"{weak} of {total} door(s) into {high} high-security "
                          "zone(s) need only a card.", evidence)
        return Result(PASS, 100, f"All {total} door(s) into {high} high-security zone(s) need "
                      "more than a card.", evidence)
