"""The edge controller's door state (anti-passback locations, zone occupancy, two-person
presentations), kept across restarts.

`EdgeDoorState` is the engine's `MemoryState` that also writes every change through to a
small SQLite file in the data directory (`<data dir>/doorstate.sqlite3`, WAL). A restarted
controller reads it back, so people inside stay inside and a half-made two-person entry is
still waiting. Writes are committed with `synchronous=NORMAL`: they survive the process being
killed; a power cut may lose the last few moves (anti-passback then errs towards "outside",
as a fresh controller would), which keeps a decision's cost at one small write rather than
one more disk sync (the spool already syncs every decision).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from pathlib import Path

from vaultdoor.engine.model import OUTSIDE
from vaultdoor.engine.state import MemoryState, Pending

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


class EdgeDoorState(MemoryState):
    """`MemoryState`, written through to SQLite and read back when opened."""

    def __init__(self, path: Path | str) -> None:
        super().__init__()
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
        self._locations.update(locations)
        self._counts.update(locations.values())
        self._pending.update(pending)

    # -- the engine's DoorState: memory first, then the file --------------------------------

    def move(self, person_id: str, zone_id: str) -> None:
        if self.location(person_id) == zone_id:
            return
        super().move(person_id, zone_id)
        if zone_id == OUTSIDE:
            self._write("DELETE FROM locations WHERE person = ?", (person_id,))
        else:
            self._write("INSERT OR REPLACE INTO locations (person, zone) VALUES (?, ?)",
                        (person_id, zone_id))

    def set_pending(self, door_id: str, pending: Pending | None) -> None:
        waiting = self.pending(door_id) is not None
        super().set_pending(door_id, pending)
        if pending is not None:
            self._write("INSERT OR REPLACE INTO pending (door, person, at) VALUES (?, ?, ?)",
                        (door_id, pending.person_id, pending.at.isoformat()))
        elif waiting:
            self._write("DELETE FROM pending WHERE door = ?", (door_id,))

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
