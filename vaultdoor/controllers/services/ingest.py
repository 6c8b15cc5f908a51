"""Events from controllers into the audit log: exactly once by event id, in spool order, and
only for the doors the sending controller drives."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.access.models import DoorEvent
from vaultdoor.audit import AuditEntry, record, record_many
from vaultdoor.engine.chain import ChainEvent, parse_time
from vaultdoor.facilities.models import Door, Zone
from vaultdoor.people.models import Person

from ..choices import AlarmStateChoices
from ..models import Alarm, Controller, ControllerDoor, ControllerEvent
from .alarms import ALARM_EVENT_TYPES, raise_alarm
from .rows import insert_rows

__all__ = [
    "MAX_BATCH",
    "EventRefused",
    "IngestResult",
    "event_chain_entry",
    "ingest_events",
    "update_status",
]

# Events per request. A decision event is about 600 bytes on the wire, so 2,000 stay well
# inside the server's 2.5 MB request-body limit (DATA_UPLOAD_MAX_MEMORY_SIZE); the edge sends
# 1,000 and halves a batch the server refuses as too large.
MAX_BATCH = 2000
# Keyword names of `record()` itself: an event's data may not pose as them.
_RESERVED = frozenset({"action", "actor", "target_type", "target_id", "request"})


class EventRefused(ValueError):
    """A batch was refused whole; `status` is the HTTP status that says why (400 malformed,
    out of order or tampered). Nothing of it was stored."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class IngestResult:
    """What became of a batch: `acked` is the highest spool sequence number now safe to
    delete at the edge (stored now or before, or refused as outside the controller's doors)."""

    acked: int
    stored: int
    duplicates: int
    refused: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"acked": self.acked, "stored": self.stored, "duplicates": self.duplicates,
                "refused": self.refused}


@dataclass(frozen=True)
class _Event:
    id: uuid.UUID
    seq: int
    at: dt.datetime
    type: str
    door: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


def event_chain_entry(controller_name: str, event: Mapping[str, Any]) -> ChainEvent:
    """The spool event as a link of the controller's hash chain (how the edge seals it)."""
    return ChainEvent(
        seq=event["seq"], at=parse_time(event["at"]), action=event["type"],
        actor=f"controller:{controller_name}", target_type="door" if event["door"] else "",
        target_id=event["door"] or "", context={"id": str(event["id"]), **event["data"]},
        prev_hash=event["prev_hash"], hash=event["hash"],
    )


def _parse(controller: Controller, raw: Any, index: int) -> _Event:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise EventRefused(f"{where}: must be an object")
    try:
        seq = raw["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise EventRefused(f"{where}.seq: must be a positive integer")
        door = raw.get("door") or ""
        if not isinstance(door, str) or not isinstance(raw["type"], str):
            raise EventRefused(f"{where}: door and type must be strings")
        if not isinstance(raw["data"], dict):
            raise EventRefused(f"{where}.data: must be an object")
        event = _Event(
            id=uuid.UUID(str(raw["id"])), seq=seq, at=parse_time(str(raw["at"])),
            type=raw["type"][:60], door=door, data=raw["data"], prev_hash=str(raw["prev_hash"]),
            hash=str(raw["hash"]),
        )
        entry = event_chain_entry(controller.name, {**raw, "door": door})
    except KeyError as exc:
        raise EventRefused(f"{where}: missing {exc.args[0]}") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, EventRefused):
            raise
        raise EventRefused(f"{where}: malformed ({exc})") from None
    if entry.compute_hash() != event.hash:
        raise EventRefused(f"{where}: hash does not match its content (event altered)")
    return event


def ingest_events(controller: Controller, raw_events: Sequence[Any]) -> IngestResult:
    """Store a batch of spool events, in order, once each; refuse it whole if any event is
    malformed or altered.

    An event for a door this controller does not drive (a door moved to another controller
    while its events waited in the spool, or a controller trying its luck) is never stored as
    a door event: it is acknowledged, so the spool drains, and the batch records one
    `controller.event_refused` audit event per such door (with the count and the event ids)
    and opens an alarm for it, unless one is open already."""
    if len(raw_events) > MAX_BATCH:
        raise EventRefused(f"at most {MAX_BATCH} events per batch")
    events = [_parse(controller, raw, i) for i, raw in enumerate(raw_events)]
    for earlier, later in itertools.pairwise(events):
        if later.seq <= earlier.seq:
            raise EventRefused(f"events out of order: seq {later.seq} after {earlier.seq}")
    if not events:
        return IngestResult(acked=0, stored=0, duplicates=0)
    stored = duplicates = 0
    actor = f"controller:{controller.name}"
    with transaction.atomic():
        locked = Controller.objects.select_for_update().get(pk=controller.pk)
        # Read under the controller's lock: the doors it drives cannot change mid-batch.
        own_doors = set(
            ControllerDoor.objects.filter(controller=locked).values_list("door__code", flat=True)
        )
        last_seq, last_hash = locked.last_event_seq, locked.last_event_hash
        known = set(
            ControllerEvent.objects.filter(event_id__in=[e.id for e in events])
            .values_list("event_id", flat=True)
        )
        lookups = _Lookups(locked, events)
        now = timezone.now()
        ledger: list[dict[str, Any]] = []
        door_events: list[dict[str, Any]] = []
        refused: dict[str, list[_Event]] = {}
        pending: list[tuple[_Event, AuditEntry]] = []

        def flush() -> None:
            links = record_many([entry for _, entry in pending])
            for (event, _), link in zip(pending, links, strict=True):
                if event.type == "access.decision" and event.door:
                    row = lookups.door_event(event, link.seq)
                    if row is not None:
                        door_events.append(row)
            pending.clear()

        for event in events:
            if event.id in known:
                duplicates += 1
                continue
            # A sequence number at or below the last one with a new id is a spool that
            # started again (a replaced unit): stored, and flagged like any other gap.
            gap = (bool(last_hash) and event.prev_hash != last_hash) or event.seq <= last_seq
            ledger.append({
                "controller_id": locked.pk, "event_id": event.id, "seq": event.seq,
                "type": event.type, "door": event.door, "at": event.at, "received": now,
            })
            last_seq, last_hash = event.seq, event.hash
            if event.door and event.door not in own_doors:
                refused.setdefault(event.door, []).append(event)
                continue
            pending.append((event, _entry(locked, event, gap=gap)))
            stored += 1
            if event.type in ALARM_EVENT_TYPES or event.type.startswith("alarm."):
                flush()  # the alarm's own audit entry follows the event that raised it
                raise_alarm(locked, kind=event.type, door_code=event.door, at=event.at,
                            event_id=event.id, detail=event.data)
        flush()
        for door, out_of_scope in refused.items():
            _refuse(locked, door, out_of_scope, actor)
        insert_rows(ControllerEvent, ledger)
        insert_rows(DoorEvent, door_events)
        Controller.objects.filter(pk=locked.pk).update(
            last_event_seq=last_seq, last_event_hash=last_hash, last_seen=timezone.now()
        )
    return IngestResult(acked=events[-1].seq, stored=stored, duplicates=duplicates,
                        refused=sum(len(v) for v in refused.values()))


REFUSED_ALARM = "controller.event_refused"
_REFUSED_IDS_KEPT = 100  # event ids named in one audit entry (the count is always exact)


def _refuse(controller: Controller, door: str, events: list[_Event], actor: str) -> None:
    """Keep the evidence of events for a door outside the controller's scope: one audit
    entry for this door and batch, and an open alarm (one at a time per controller and door)."""
    types: dict[str, int] = {}
    for event in events:
        types[event.type] = types.get(event.type, 0) + 1
    record(
        "controller.event_refused", actor=actor, target_type="controller",
        target_id=controller.name, controller=controller.name, door=door, count=len(events),
        types=types, first_edge_seq=events[0].seq, last_edge_seq=events[-1].seq,
        first_at=events[0].at, last_at=events[-1].at,
        event_ids=[str(e.id) for e in events[:_REFUSED_IDS_KEPT]],
    )
    already = Alarm.objects.filter(
        controller=controller, kind=REFUSED_ALARM, detail__door=door,
        state=AlarmStateChoices.OPEN,
    ).exists()
    if not already:
        raise_alarm(controller, kind=REFUSED_ALARM, door_code=door, at=events[0].at, detail={
            "door": door, "count": len(events),
            "detail": f"events for door {door}, which controller {controller.name} does not "
                      "drive, were refused (not stored as door events)",
        })


def _entry(controller: Controller, event: _Event, *, gap: bool) -> AuditEntry:
    """The audit entry of one stored event."""
    data = {k: v for k, v in event.data.items() if k not in _RESERVED}
    context: dict[str, Any] = {
        **data, "event_id": str(event.id), "edge_seq": event.seq,
        "edge_at": event.at, "controller": controller.name,
    }
    if gap:
        # The spool dropped events (it keeps the newest when full) or lost its file: say so.
        context["edge_chain_gap"] = True
    action = "access.decision" if event.type == "access.decision" else "edge.event"
    if action == "edge.event":
        context["type"] = event.type
    return AuditEntry(action, actor=f"controller:{controller.name}",
                      target_type="door" if event.door else "controller",
                      target_id=event.door or controller.name, context=context)


def update_status(controller: Controller, status: Mapping[str, Any] | None) -> None:
    """Record what a controller says about itself (heartbeat): version, spool depth, clock."""
    now = timezone.now()
    values: dict[str, Any] = {"last_seen": now}
    status = status or {}
    version = status.get("snapshot_version")
    if isinstance(version, int) and not isinstance(version, bool) and version >= 0:
        values["reported_version"] = version
    depth = status.get("spool_depth")
    if isinstance(depth, int) and not isinstance(depth, bool) and depth >= 0:
        values["spool_depth"] = depth
    clock = status.get("clock")
    if isinstance(clock, str):
        with contextlib.suppress(ValueError):
            values["clock_skew_ms"] = int((parse_time(clock) - now).total_seconds() * 1000)
    Controller.objects.filter(pk=controller.pk).update(**values)


class _Lookups:
    """Door, zone and person rows of one batch, fetched once per batch, not per event."""

    def __init__(self, controller: Controller, events: Sequence[_Event]) -> None:
        site_id = controller.site_id
        self.site_id = site_id
        self.controller = controller
        decisions = [e for e in events if e.type == "access.decision"]
        self.doors = dict(Door.objects.filter(
            site_id=site_id, code__in={e.door for e in decisions}).values_list("code", "pk"))
        self.zones = dict(Zone.objects.filter(
            site_id=site_id, code__in={str(e.data.get("zone") or "") for e in decisions}
        ).values_list("code", "pk"))
        self.people = dict(Person.objects.filter(
            site_id=site_id, code__in={str(e.data.get("person") or "") for e in decisions}
        ).values_list("code", "pk"))

    def door_event(self, event: _Event, audit_seq: int | None) -> dict[str, Any] | None:
        """The queryable row the console's event log and dashboard read (as for server-side
        decisions; attname -> value for `insert_rows`); the audit entry stays the proof."""
        door_id = self.doors.get(event.door)
        if door_id is None:
            return None
        data = event.data
        direction = data.get("direction") if data.get("direction") in ("in", "out") else "in"
        return {
            "site_id": self.site_id, "at": event.at, "door_id": door_id,
            "zone_id": self.zones.get(str(data.get("zone") or "")),
            "person_id": self.people.get(str(data.get("person") or "")),
            "direction": direction, "decision": str(data.get("decision", ""))[:10],
            "reason": str(data.get("reason", ""))[:40],
            "warnings": list(data.get("warnings") or []),
            "companions": list(data.get("companions") or []),
            "credential": str(data.get("presented", ""))[:100],
            "actor": f"controller:{self.controller.name}"[:150], "audit_seq": audit_seq,
        }
