"""The edge controller's door state (anti-passback locations, zone occupancy, two-person
presentations), kept across restarts.

`EdgeDoorState` is the engine's `DoorState`: it answers from memory, like `MemoryState`, and
writes every change through to a small SQLite file in the data directory
(`<data dir>/doorstate.sqlite3`, WAL). A restarted controller reads it back, so people inside
stay inside and a half-made two-person entry is still waiting. Writes are committed with
`synchronous=NORMAL`: they survive the process being killed; a power cut may lose the last
few moves (anti-passback then errs towards "outside", as a fresh controller would), which
keeps a decision's cost at one small write rather than one more disk sync (the spool already
syncs every decision).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections import Counter
from pathlib import Path

from vaultdoor.engine.model import OUTSIDE
from vaultdoor.engine.state import Pending

__all__ = ["EdgeDoorState", "StateFileError"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS locations (
    person TEXT PRIMARY KEY,
    zone TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
    door TEXT PRIMARY KEY,
    person TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


class StateFileError(Exception):
    """The door-state file cannot be opened or read; the message names it."""


class EdgeDoorState:
    """`DoorState` in memory, written through to SQLite and read back when opened."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            locations = dict(self._db.execute("SELECT person, zone FROM locations"))
            pending = {
                door: Pending(person_id=person, at=dt.datetime.fromisoformat(at))
                for door, person, at in self._db.execute("SELECT door, person, at FROM pending")
            }
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise StateFileError(f"cannot read the door state {self.path}: {exc}") from None
        self._locations: dict[str, str] = locations
        self._counts: Counter[str] = Counter(locations.values())
        self._pending: dict[str, Pending] = pending

    # -- the engine's DoorState ----------------------------------------------------------

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
            self._write("DELETE FROM locations WHERE person = ?", (person_id,))
        else:
            self._counts[zone_id] += 1
            self._locations[person_id] = zone_id
            self._write("INSERT OR REPLACE INTO locations (person, zone) VALUES (?, ?)",
                        (person_id, zone_id))

    def occupancy(self, zone_id: str) -> int:
        return self._counts[zone_id]

    def pending(self, door_id: str) -> Pending | None:
        return self._pending.get(door_id)

    def set_pending(self, door_id: str, pending: Pending | None) -> None:
        if pending is None:
            if self._pending.pop(door_id, None) is not None:
                self._write("DELETE FROM pending WHERE door = ?", (door_id,))
        else:
            self._pending[door_id] = pending
            self._write("INSERT OR REPLACE INTO pending (door, person, at) VALUES (?, ?, ?)",
                        (door_id, pending.person_id, pending.at.isoformat()))

    # -- the file --------------------------------------------------------------------------

    def _write(self, sql: str, params: tuple[str, ...]) -> None:
        # Memory is the truth for decisions: a failed write is logged, never a failed door.
        with self._lock:
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                log.error("door state not saved to %s: %s", self.path, exc)

    def close(self) -> None:
        with self._lock:
            self._db.close()
