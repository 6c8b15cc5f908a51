"""Where people are and who is waiting at a two-person door: the state decisions read and change.

The engine only speaks to the `DoorState` protocol. `MemoryState` keeps it in dictionaries (for
`access simulate`, the edge controller and tests); the server keeps it in the database so it
survives across processes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from vaultdoor.engine.model import OUTSIDE

__all__ = ["DoorState", "MemoryState", "Pending"]


@dataclass(frozen=True, slots=True)
class Pending:
    """The first presentation at a two-person door, waiting for a second person."""

    person_id: str
    at: dt.datetime


@runtime_checkable
class DoorState(Protocol):
    """The mutable state behind decisions: people's locations and pending presentations."""

    def location(self, person_id: str) -> str:
        """The zone the person is tracked in; `outside` when unknown."""
        ...

    def move(self, person_id: str, zone_id: str) -> None:
        """Record that the person is now in `zone_id`."""
        ...

    def occupancy(self, zone_id: str) -> int:
        """How many people are tracked in `zone_id`."""
        ...

    def pending(self, door_id: str) -> Pending | None:
        """The presentation waiting at a two-person door, if any."""
        ...

    def set_pending(self, door_id: str, pending: Pending | None) -> None:
        """Replace (or clear, with None) the presentation waiting at the door."""
        ...


class MemoryState:
    """`DoorState` in memory, starting with everyone outside and nothing pending."""

    __slots__ = ("_counts", "_locations", "_pending")

    def __init__(self) -> None:
        self._locations: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._pending: dict[str, Pending] = {}

    def location(self, person_id: str) -> str:
        return self._locations.get(person_id, OUTSIDE)

    def move(self, person_id: str, zone_id: str) -> None:
        previous = self._locations.get(person_id, OUTSIDE)
        if previous == zone_id:
            return
        if previous != OUTSIDE:
            self._counts[previous] -= 1
        if zone_id == OUTSIDE:
            del self._locations[person_id]
        else:
            self._counts[zone_id] += 1
            self._locations[person_id] = zone_id

    def occupancy(self, zone_id: str) -> int:
        return self._counts[zone_id]  # 0 for `outside`: nobody counts the street

    def pending(self, door_id: str) -> Pending | None:
        return self._pending.get(door_id)

    def set_pending(self, door_id: str, pending: Pending | None) -> None:
        if pending is None:
            self._pending.pop(door_id, None)
        else:
            self._pending[door_id] = pending
