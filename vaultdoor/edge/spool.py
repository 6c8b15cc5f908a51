"""The edge event spool: every decision, alarm and reader change, durable before anything else.

A local SQLite file (WAL, `synchronous=FULL`: a committed event survives a power cut), each
event a link of a hash chain (`vaultdoor.engine.chain`, the same encoding as the server's audit
log), so the server can check that what arrives is what the controller wrote. Events leave the
spool only when the server has acknowledged them. The spool holds `capacity` events (default
1,000,000); past 90 % it appends a `spool.near_full` alarm once, and when full it drops the
oldest events rather than ever refusing (or blocking) a door.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaultdoor.engine.chain import GENESIS_HASH, ChainEvent, format_time, normalize_json

__all__ = ["DEFAULT_CAPACITY", "Spool", "SpoolError", "SpoolEvent"]

DEFAULT_CAPACITY = 1_000_000
NEAR_FULL = 0.9  # raise the alarm at this fill ratio...
NEAR_FULL_RESET = 0.5  # ...and again only after it has drained below this one

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    door TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    dropped INTEGER NOT NULL DEFAULT 0,
    near_full INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO head (one, seq, hash) VALUES (1, 0, '%s');
""" % GENESIS_HASH  # noqa: UP031 - a constant of ours, not input


class SpoolError(Exception):
    """The spool file cannot be opened or is not a vaultdoor spool."""


@dataclass(frozen=True, slots=True)
class SpoolEvent:
    """One spooled event, as sent to `POST /api/v1/controllers/events`."""

    seq: int
    id: str
    at: str
    type: str
    door: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "at": self.at, "type": self.type,
                "door": self.door, "data": self.data, "prev_hash": self.prev_hash,
                "hash": self.hash}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Spool:
    """The controller's durable, hash-chained outbox. Thread-safe; every method is short."""

    def __init__(
        self, path: Path | str, *, controller: str, capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        if capacity < 1:
            raise ValueError("spool capacity must be at least 1")
        self.path = Path(path)
        self.controller = controller
        self.capacity = capacity
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise SpoolError(f"cannot open the event spool {self.path}: {exc}") from None
        row = self._db.execute("SELECT seq, hash FROM head").fetchone()
        self._head_seq, self._head_hash = int(row[0]), str(row[1])
        first = self._db.execute("SELECT MIN(seq) FROM events").fetchone()[0]
        self._first_seq = int(first) if first is not None else self._head_seq + 1

    # -- writing ----------------------------------------------------------------------------

    def append(
        self, type: str, *, door: str = "", data: Mapping[str, Any] | None = None,
        at: dt.datetime | None = None,
    ) -> SpoolEvent:
        """Write one event durably (committed and synced) and return it."""
        with self._lock:
            event = self._append_locked(type, door, data or {}, at)
            if self.depth_locked() > self.capacity:
                self._drop_oldest_locked()
            self._maybe_near_full_locked()
            return event

    def _append_locked(self, type: str, door: str, data: Mapping[str, Any],
                       at: dt.datetime | None) -> SpoolEvent:
        event_id = str(uuid.uuid4())
        moment = (at or self._clock()).astimezone(dt.UTC)
        clean = normalize_json(dict(data))
        link = ChainEvent(
            seq=self._head_seq + 1, at=moment, action=type,
            actor=f"controller:{self.controller}", target_type="door" if door else "",
            target_id=door, context={"id": event_id, **clean}, prev_hash=self._head_hash,
        ).sealed()
        event = SpoolEvent(seq=link.seq, id=event_id, at=format_time(moment), type=type,
                           door=door, data=clean, prev_hash=link.prev_hash, hash=link.hash)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "INSERT INTO events (seq, id, at, type, door, data, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event.seq, event.id, event.at, event.type, event.door,
                 json.dumps(clean, separators=(",", ":"), ensure_ascii=False),
                 event.prev_hash, event.hash),
            )
            db.execute("UPDATE head SET seq = ?, hash = ?", (event.seq, event.hash))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._head_seq, self._head_hash = event.seq, event.hash
        return event

    def _drop_oldest_locked(self) -> None:
        excess = self.depth_locked() - self.capacity
        cut = self._first_seq + excess - 1
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM events WHERE seq <= ?", (cut,))
        self._db.execute("UPDATE head SET dropped = dropped + ?", (excess,))
        self._db.execute("COMMIT")
        self._first_seq = cut + 1

    def _maybe_near_full_locked(self) -> None:
        depth = self.depth_locked()
        flagged = self._db.execute("SELECT near_full FROM head").fetchone()[0]
        if not flagged and depth >= NEAR_FULL * self.capacity:
            self._db.execute("UPDATE head SET near_full = 1")
            self._append_locked("spool.near_full", "", {
                "depth": depth, "capacity": self.capacity,
                "detail": "event spool nearly full: the oldest events will be dropped when it is",
            }, None)
            if self.depth_locked() > self.capacity:
                self._drop_oldest_locked()
        elif flagged and depth < NEAR_FULL_RESET * self.capacity:
            self._db.execute("UPDATE head SET near_full = 0")

    # -- reading and acknowledging ----------------------------------------------------------

    def pending(self, limit: int = 1000) -> list[SpoolEvent]:
        """The oldest `limit` events not yet acknowledged, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, id, at, type, door, data, prev_hash, hash FROM events "
                "ORDER BY seq LIMIT ?", (limit,),
            ).fetchall()
        return [SpoolEvent(seq=r[0], id=r[1], at=r[2], type=r[3], door=r[4],
                           data=json.loads(r[5]), prev_hash=r[6], hash=r[7]) for r in rows]

    def ack(self, up_to_seq: int) -> int:
        """Delete every event up to `up_to_seq` (the server has them); returns how many."""
        with self._lock:
            if up_to_seq < self._first_seq:
                return 0
            cur = self._db.execute("DELETE FROM events WHERE seq <= ?", (up_to_seq,))
            self._first_seq = min(up_to_seq, self._head_seq) + 1
            self._maybe_near_full_locked()
            return int(cur.rowcount)

    # -- state --------------------------------------------------------------------------------

    def depth_locked(self) -> int:
        return self._head_seq - self._first_seq + 1

    @property
    def depth(self) -> int:
        """How many events wait for the server."""
        with self._lock:
            return self.depth_locked()

    @property
    def head(self) -> tuple[int, str]:
        """(sequence number, hash) of the newest event ever written."""
        with self._lock:
            return self._head_seq, self._head_hash

    @property
    def dropped(self) -> int:
        """How many events were dropped unsent because the spool was full."""
        with self._lock:
            return int(self._db.execute("SELECT dropped FROM head").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
