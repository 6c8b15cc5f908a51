"""The compiled site: immutable, indexed so that a decision is a handful of dictionary lookups.

The server compiles a snapshot when the site changes and every decision reads it; an edge
controller can hold one offline. People with the same access levels (most agents of one role)
share one zone -> schedules table, which keeps 100,000 cardholders small and quick to compile.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from vaultdoor.engine import model, timeutil
from vaultdoor.engine.schedules import CompiledSchedule, compile_schedule

__all__ = [
    "SNAPSHOT_FORMAT",
    "CardEntry",
    "CompiledDoor",
    "CompiledPerson",
    "Snapshot",
    "compile_site",
    "fingerprint_site",
]

SNAPSHOT_FORMAT = 1
CardKey = tuple[str, int, int]  # (format, facility, number)
_EMPTY: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CompiledDoor:
    """A door with its zones resolved."""

    id: str
    mode: str
    from_zone: str
    to_zone: model.Zone


@dataclass(frozen=True, slots=True)
class CompiledPerson:
    """What a decision needs to know about a person, precomputed."""

    id: str
    active: bool
    zone_schedules: Mapping[str, tuple[str, ...]]  # zone id -> schedule ids that admit there
    cleared: bool  # vetting cleared with no disqualifying finding, expiry aside
    cleared_until: dt.datetime | None  # UTC instant the clearance stops counting, if any
    pin_digests: tuple[bytes, ...]
    biometric: bool  # holds an active biometric credential

    def cleared_at(self, at: dt.datetime) -> bool:
        """Whether the vetting counts as cleared at instant `at` (aware)."""
        return self.cleared and (self.cleared_until is None or at < self.cleared_until)


@dataclass(frozen=True, slots=True)
class CardEntry:
    """A card with its holder, as the card index finds them."""

    status: str
    valid_from: dt.datetime | None  # UTC
    valid_until: dt.datetime | None  # UTC
    person: CompiledPerson


class Snapshot:
    """An immutable, compiled site ready for `decide`."""

    __slots__ = (
        "_fingerprint",
        "cards",
        "doors",
        "holidays",
        "people",
        "pins",
        "schedules",
        "site",
        "timezone",
        "version",
    )

    site: model.Site
    timezone: dt.tzinfo
    version: int
    doors: Mapping[str, CompiledDoor]
    cards: Mapping[CardKey, CardEntry]
    pins: Mapping[bytes, CompiledPerson | None]  # None: a PIN shared by several people
    people: Mapping[str, CompiledPerson]
    schedules: Mapping[str, CompiledSchedule]
    holidays: frozenset[dt.date]

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_fingerprint", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Snapshot is immutable; compile a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Snapshot is immutable; compile a new one")

    def __repr__(self) -> str:
        return (
            f"<Snapshot {self.site.id} v{self.version}: {len(self.doors)} doors, "
            f"{len(self.people)} people>"
        )

    @property
    def site_id(self) -> str:
        return self.site.id

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the canonical content, computed once; what a server would sign."""
        cached: str | None = self._fingerprint
        if cached is None:
            cached = fingerprint_site(self.site)
            object.__setattr__(self, "_fingerprint", cached)
        return cached


def _canonical(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def fingerprint_site(site: model.Site) -> str:
    """SHA-256 of a canonical JSON encoding of the site (PINs only as their hashes)."""
    from vaultdoor.engine.sitefile import dump_site  # the one definition of the content

    text = json.dumps(
        _canonical(dump_site(site)), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pin_digest(pin_hash: str) -> bytes | None:
    """The digest part of `hmac-sha256$<key id>$<hex>`."""
    try:
        return bytes.fromhex(pin_hash.rsplit("$", 1)[1])
    except (IndexError, ValueError):
        return None


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(dt.UTC)


def compile_site(site: model.Site, *, version: int = 0) -> Snapshot:
    """Compile a validated `Site` into a `Snapshot`; `version` is the caller's revision."""
    tz = timeutil.timezone(site.timezone)
    zones = {zone.id: zone for zone in site.zones}
    schedules = {s.id: compile_schedule(s) for s in site.schedules}
    levels = {level.id: level for level in site.access_levels}
    roles = {role.id: role for role in site.roles}
    doors = {
        door.id: CompiledDoor(door.id, door.mode, door.from_zone, zones[door.to_zone])
        for door in site.doors
    }
    tables: dict[tuple[str, ...], Mapping[str, tuple[str, ...]]] = {}

    def zone_table(level_ids: tuple[str, ...]) -> Mapping[str, tuple[str, ...]]:
        table = tables.get(level_ids)
        if table is None:
            by_zone: dict[str, list[str]] = {}
            for level_id in level_ids:
                level = levels.get(level_id)
                if level is None:
                    continue
                for zone_id in level.zones:
                    ids = by_zone.setdefault(zone_id, [])
                    if level.schedule not in ids:
                        ids.append(level.schedule)
            table = MappingProxyType({z: tuple(ids) for z, ids in by_zone.items()}) or _EMPTY
            tables[level_ids] = table
        return table

    people: dict[str, CompiledPerson] = {}
    cards: dict[CardKey, CardEntry] = {}
    pins: dict[bytes, CompiledPerson | None] = {}
    keypad = any(door.mode == "pin" for door in site.doors)
    for person in site.people:
        role = roles.get(person.role) if person.role else None
        level_ids = (role.access_levels if role else ()) + person.access_levels
        vetting = person.vetting
        compiled = CompiledPerson(
            id=person.id,
            active=person.status == "active",
            zone_schedules=zone_table(tuple(dict.fromkeys(level_ids))),
            cleared=vetting.status == "cleared"
            and not model.DISQUALIFYING_FINDINGS.intersection(vetting.findings),
            cleared_until=(
                timeutil.local_midnight(vetting.expires, tz) if vetting.expires else None
            ),
            pin_digests=tuple(
                d for d in (_pin_digest(pin.pin_hash) for pin in person.pins) if d is not None
            ),
            biometric=any(b.status == "active" and b.consent for b in person.biometrics),
        )
        people[person.id] = compiled
        for card in person.cards:
            cards[(card.format, card.facility, card.number)] = CardEntry(
                card.status, _utc(card.valid_from), _utc(card.valid_until), compiled
            )
        if keypad:
            for digest in set(compiled.pin_digests):
                # A PIN two people share identifies nobody (validation forbids it anyway).
                pins[digest] = None if digest in pins else compiled
    return Snapshot(
        site=site,
        timezone=tz,
        version=version,
        doors=MappingProxyType(doors),
        cards=MappingProxyType(cards),
        pins=MappingProxyType(pins),
        people=MappingProxyType(people),
        schedules=MappingProxyType(schedules),
        holidays=frozenset(h.date for h in site.holidays),
    )
