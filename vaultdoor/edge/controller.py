"""Local decisions at the edge: the engine, the cached snapshot, and what to do offline.

While the server has been reached within the offline grace (default 7 days) the controller
decides every swipe from its verified snapshot with `vaultdoor.engine`, keeping the stateful
rules (anti-passback, occupancy, two-person) for the zones behind its doors (in memory, and in
the daemon also on disk, so a restart keeps them). Past
the grace each door follows its failure mode: fail-secure (the default, and always for doors
into high-security zones) denies, fail-safe grants. Every decision is written to the spool
before it is returned to the door.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from vaultdoor.engine import (
    DoorState,
    MemoryState,
    PinHasher,
    Snapshot,
    SwipeError,
    compile_site,
    decide,
    parse_swipe,
)
from vaultdoor.engine.cards import UnreadableCard, decode_hex

from .envelope import SignedHeader
from .incremental import patch_people
from .wire import COLLECTIONS, SiteState, read_entity

__all__ = ["DEFAULT_GRACE", "EdgeController"]

log = logging.getLogger(__name__)

DEFAULT_GRACE = dt.timedelta(days=7)
PATCH_LIMIT = 2000  # more changed people than this: compiling the whole site is as quick
FAIL_SECURE, FAIL_SAFE = "secure", "safe"

Spooler = Callable[[str, str, dict[str, Any], dt.datetime], Any]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def credential_label(swipe: Mapping[str, Any]) -> str:
    """How the credential of a swipe appears in events (never a PIN)."""
    card = swipe.get("card")
    if isinstance(card, Mapping):
        if "bits" in card:
            try:
                fmt, facility, number = decode_hex(int(card["bits"]), str(card["data"]))
            except (UnreadableCard, ValueError, TypeError, KeyError):
                return f"card raw {card.get('bits')}:{card.get('data')}"
            return f"card {fmt} {facility}:{number}"
        return f"card {card.get('format', 'h10301')} {card.get('facility')}:{card.get('number')}"
    return "pin" if swipe.get("pin") is not None else "none"


class EdgeController:
    """Decides swipes for one controller's doors and spools every decision first."""

    def __init__(
        self, *, pin_hasher: PinHasher, spool: Spooler | None = None,
        clock: Callable[[], dt.datetime] = _utcnow, last_contact: dt.datetime | None = None,
        state: DoorState | None = None,
    ) -> None:
        self.pin_hasher = pin_hasher
        self.spool = spool
        self.clock = clock
        # Kept across snapshot swaps (people stay where they are); the daemon passes one kept
        # on disk (`doorstate.EdgeDoorState`) so that a restart keeps it too.
        self.state: DoorState = state if state is not None else MemoryState()
        self.last_contact = last_contact
        self._snapshot: Snapshot | None = None
        self._header: SignedHeader | None = None
        self._grace = DEFAULT_GRACE
        self._failure_modes: dict[str, str] = {}
        self._wire: SiteState | None = None
        self._lock = threading.Lock()

    # -- entitlements --

    def install(self, state: SiteState, header: SignedHeader) -> None:
        """Compile and switch to a verified state (the switch is one reference swap).

        A change to people only (the common case: a card lost, someone suspended) patches
        the compiled snapshot in place of compiling the whole site again."""
        snapshot = self._patched(state, header.version)
        if snapshot is None:
            # People are read and compiled one at a time and only their compiled form is
            # kept (the canonical texts in `state` are the other copy): 100,000 engine
            # `Person` trees would double the controller's memory.
            snapshot = compile_site(state.to_site(people=False), version=header.version,
                                    people=state.read_entities("people"))
        self._wire = state
        settings = state.controller
        grace_s = settings.get("offline_grace_s")
        grace = dt.timedelta(seconds=int(grace_s)) if grace_s else DEFAULT_GRACE
        modes = {str(k): str(v) for k, v in (settings.get("failure_modes") or {}).items()}
        # Doors into high-security zones fail secure whatever the server says.
        for door_id, door in snapshot.doors.items():
            if door.to_zone.security == "high":
                modes[door_id] = FAIL_SECURE
        with self._lock:
            self._snapshot, self._header = snapshot, header
            self._grace, self._failure_modes = grace, modes

    def _patched(self, state: SiteState, version: int) -> Snapshot | None:
        old, snapshot = self._wire, self._snapshot
        if old is None or snapshot is None:
            return None
        before, after = old.entities.get("people", {}), state.entities.get("people", {})
        touched = state.touched
        if touched is not None:
            # Made by applying a delta to the state we hold: the delta says what changed.
            if set(touched) - {"people"}:
                return None
            ids = touched.get("people", frozenset())
            changed = [k for k in ids if k in after]
            removed = [k for k in ids if k not in after and k in before]
        else:
            if old.header != state.header:
                return None
            for coll in COLLECTIONS:
                if coll != "people" and old.entities.get(coll) != state.entities.get(coll):
                    return None
            changed = [k for k, text in after.items()
                       if (was := before.get(k)) is not text and was != text]
            removed = [k for k in before if k not in after]
        if len(changed) + len(removed) > PATCH_LIMIT:
            return None
        people = [read_entity("people", k, after[k]) for k in changed]
        return patch_people(snapshot, people, removed, version=version,
                            previous=lambda k: read_entity("people", k, before[k]))

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    @property
    def version(self) -> int:
        return self._header.version if self._header is not None else 0

    @property
    def grace(self) -> dt.timedelta:
        return self._grace

    def failure_mode(self, door_id: str) -> str:
        return self._failure_modes.get(door_id, FAIL_SECURE)

    def door_modes(self) -> dict[str, str]:
        """Door id -> mode (card, card_and_pin, ...) in the current snapshot."""
        snapshot = self._snapshot
        return {} if snapshot is None else {d: c.mode for d, c in snapshot.doors.items()}

    # -- contact with the server --

    def mark_contact(self, at: dt.datetime | None = None) -> None:
        self.last_contact = at or self.clock()

    def offline_expired(self, now: dt.datetime) -> bool:
        """Whether the server has been away longer than the grace (never reached counts)."""
        if self.last_contact is None:
            return True
        return now - self.last_contact > self._grace

    # -- deciding --

    def decide(self, swipe: Mapping[str, Any]) -> dict[str, Any]:
        """The decision object for one swipe (site-format.md), spooled before it returns."""
        now = self.clock()
        door = str(swipe.get("door", ""))
        decision = self._decide(swipe, door, now)
        if self.spool is not None:
            detail = {
                **decision,
                "direction": swipe.get("direction", "in"),
                "presented": credential_label(swipe),
                "snapshot_version": self.version,
            }
            self.spool("access.decision", door if door in self._failure_modes else "",
                       detail, now)
        return decision

    def _decide(self, swipe: Mapping[str, Any], door: str, now: dt.datetime) -> dict[str, Any]:
        snapshot = self._snapshot
        if snapshot is None:
            return _deny(door, "no_snapshot")
        compiled = snapshot.doors.get(door)
        zone = compiled.to_zone.id if compiled is not None else ""
        if compiled is None:
            return _deny(door, "unknown_door")
        if self.offline_expired(now):
            if self.failure_mode(door) == FAIL_SAFE:
                return {"decision": "grant", "reason": "offline_fail_safe", "person": None,
                        "door": door, "zone": zone, "warnings": ["offline"]}
            return _deny(door, "offline_fail_secure", zone=zone)
        try:
            parsed = parse_swipe(dict(swipe), snapshot)
        except SwipeError as exc:
            log.warning("door %s: bad swipe: %s", door, exc)
            return _deny(door, "unreadable_card", zone=zone)
        with self._lock:  # the door state is shared by every door of this controller
            result = decide(snapshot, self.state, parsed, self.pin_hasher)
        return result.to_dict()


def _deny(door: str, reason: str, *, zone: str = "") -> dict[str, Any]:
    return {"decision": "deny", "reason": reason, "person": None, "door": door, "zone": zone,
            "warnings": []}
