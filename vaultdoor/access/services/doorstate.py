"""The engine's `DoorState` kept in the database, so anti-passback, occupancy and two-person
waits hold across calls, processes and servers."""

from __future__ import annotations

import datetime as dt

from vaultdoor.engine.model import OUTSIDE
from vaultdoor.engine.state import Pending

from ..models import PendingPresentation, PersonLocation
from .snapshots import CompiledSite

__all__ = ["DatabaseDoorState"]


class DatabaseDoorState:
    """Where people are (`PersonLocation`) and who waits at which door
    (`PendingPresentation`), for one site, read and written inside the decision transaction."""

    def __init__(self, compiled: CompiledSite, *, at: dt.datetime) -> None:
        self._site = compiled
        self._at = at

    def location(self, person_id: str) -> str:
        person = self._site.people.get(person_id)
        if person is None:
            return OUTSIDE
        zone = (
            PersonLocation.objects.filter(person_id=person)
            .values_list("zone_id", flat=True).first()
        )
        if zone is None:
            return OUTSIDE
        return self._site.zone_codes.get(zone, OUTSIDE)

    def move(self, person_id: str, zone_id: str) -> None:
        person = self._site.people.get(person_id)
        if person is None:
            return
        zone = None if zone_id == OUTSIDE else self._site.zones.get(zone_id)
        # Update first: after someone's first entry there is always a row (one query, not the
        # three of update_or_create); the site lock makes the insert race-free.
        moved = PersonLocation.objects.filter(person_id=person).update(
            zone_id=zone, since=self._at
        )
        if not moved:
            PersonLocation.objects.create(person_id=person, zone_id=zone, since=self._at)

    def occupancy(self, zone_id: str) -> int:
        zone = self._site.zones.get(zone_id)
        if zone is None:
            return 0
        return PersonLocation.objects.filter(zone_id=zone).count()

    def pending(self, door_id: str) -> Pending | None:
        door = self._site.doors.get(door_id)
        if door is None:
            return None
        row = PendingPresentation.objects.filter(door_id=door).values_list(
            "person_id", "at"
        ).first()
        if row is None:
            return None
        person = self._site.person_codes.get(row[0])
        return None if person is None else Pending(person, row[1])

    def set_pending(self, door_id: str, pending: Pending | None) -> None:
        door = self._site.doors.get(door_id)
        if door is None:
            return
        if pending is None:
            PendingPresentation.objects.filter(door_id=door).delete()
            return
        person = self._site.people.get(pending.person_id)
        if person is None:
            return
        if not PendingPresentation.objects.filter(door_id=door).update(
            person_id=person, at=pending.at
        ):
            PendingPresentation.objects.create(door_id=door, person_id=person, at=pending.at)
