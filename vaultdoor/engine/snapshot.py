"""The compiled site: immutable, indexed so that a decision is a handful of dictionary lookups.

The server compiles a snapshot when the site changes and every decision reads it; an edge
controller can hold one offline. People with the same access levels (most agents of one role)
share one zone -> schedules table, which keeps 100,000 cardholders small and quick to compile.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from cryptography.hazmat.primitives import hashes

from vaultdoor.engine import model, timeutil
from vaultdoor.engine.schedules import CompiledSchedule, compile_schedule

__all__ = [
    "SNAPSHOT_FORMAT",
    "CardEntry",
    "CompiledDoor",
    "CompiledPerson",
    "PeopleCompiler",
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


class CompiledPerson(NamedTuple):
    """What a decision needs to know about a person, precomputed.

    Named tuples here and in `CardEntry`: immutable like frozen dataclasses, but several
    times quicker to build, which is most of compiling 100,000 cardholders.
    """

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


class CardEntry(NamedTuple):
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

    _fingerprint: str | None
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


def _sorted(items: tuple[Any, ...], key: Any = None) -> tuple[Any, ...]:
    return items if len(items) < 2 else tuple(sorted(items, key=key))


def _window_key(window: model.Window) -> tuple[tuple[int, ...], int, int]:
    return tuple(sorted(window.days)), window.start, window.end


def _card_key(card: model.Card) -> tuple[str, int, int]:
    return card.format, card.facility, card.number


def _person_in_order(person: model.Person) -> model.Person:
    levels = _sorted(person.access_levels)
    cards = _sorted(person.cards, _card_key)
    pins = _sorted(person.pins, lambda pin: pin.pin_hash)
    biometrics = _sorted(person.biometrics, lambda b: (b.status, b.consent))
    findings = _sorted(person.vetting.findings)
    if (levels, cards, pins, biometrics, findings) == (
        person.access_levels,
        person.cards,
        person.pins,
        person.biometrics,
        person.vetting.findings,
    ):
        return person
    return dataclasses.replace(
        person,
        access_levels=levels,
        cards=cards,
        pins=pins,
        biometrics=biometrics,
        vetting=dataclasses.replace(person.vetting, findings=findings),
    )


def _site_in_order(site: model.Site) -> model.Site:
    """The same site with every list in one order.

    Every list of the site format is a set in meaning (people, zones, windows, levels,
    findings...), so sorting them makes the file's or the database's order irrelevant.
    """

    def by_id(item: Any) -> str:
        return str(item.id)

    return dataclasses.replace(
        site,
        floors=_sorted(site.floors, by_id),
        zones=_sorted(site.zones, by_id),
        doors=_sorted(site.doors, by_id),
        holidays=_sorted(site.holidays, lambda h: (h.date, h.name)),
        schedules=tuple(
            dataclasses.replace(s, windows=_sorted(s.windows, _window_key))
            for s in sorted(site.schedules, key=by_id)
        ),
        access_levels=tuple(
            dataclasses.replace(level, zones=_sorted(level.zones))
            for level in sorted(site.access_levels, key=by_id)
        ),
        roles=tuple(
            dataclasses.replace(role, access_levels=_sorted(role.access_levels))
            for role in sorted(site.roles, key=by_id)
        ),
        people=tuple(_person_in_order(p) for p in sorted(site.people, key=by_id)),
    )


def fingerprint_site(site: model.Site) -> str:
    """SHA-256 of a canonical JSON encoding of the site (PINs only as their hashes)."""
    from vaultdoor.engine.sitefile import dump_site  # the one definition of the content

    text = json.dumps(
        dump_site(_site_in_order(site)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,  # dates: YYYY-MM-DD
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(text.encode("utf-8"))
    return digest.finalize().hex()


def _pin_digest(pin_hash: str) -> bytes | None:
    """The digest part of `hmac-sha256$<key id>$<hex>`."""
    try:
        return bytes.fromhex(pin_hash.rsplit("$", 1)[1])
    except (IndexError, ValueError):
        return None


def _expiry(expires: dt.date | None, tz: dt.tzinfo) -> dt.datetime | None:
    """The instant a vetting stops counting: 00:00 site-local on its `expires` date."""
    if expires is None:
        return None
    try:
        return timeutil.local_midnight(expires, tz)
    except OverflowError:  # year 1 or 9999 in some zones: long past, or never
        return dt.datetime.min.replace(tzinfo=dt.UTC) if expires.year < 2000 else None


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(dt.UTC)


class _AccessTables:
    """Builds the zone -> schedule ids table of each role, and of each role plus own levels.

    Most people hold only their role's levels and share its table; a person with levels of
    their own gets a copy of the role's table with those merged in, shared with everyone who
    has the same role and the same extra levels.
    """

    def __init__(self, site: model.Site) -> None:
        self._levels = {level.id: level for level in site.access_levels}
        self._roles = {role.id: role.access_levels for role in site.roles}
        self._tables: dict[tuple[str | None, tuple[str, ...]], Mapping[str, tuple[str, ...]]] = {}
        self._plain: dict[str | None, dict[str, tuple[str, ...]]] = {}

    def _merge(self, table: dict[str, tuple[str, ...]], level_ids: tuple[str, ...]) -> None:
        for level_id in level_ids:
            level = self._levels.get(level_id)
            if level is None:
                continue
            schedule = level.schedule
            for zone_id in level.zones:
                ids = table.get(zone_id)
                if ids is None:
                    table[zone_id] = (schedule,)
                elif schedule not in ids:
                    table[zone_id] = (*ids, schedule)

    def table(self, role: str | None, own: tuple[str, ...]) -> Mapping[str, tuple[str, ...]]:
        key = (role, own)
        found = self._tables.get(key)
        if found is not None:
            return found
        base = self._plain.get(role)
        if base is None:
            base = {}
            self._merge(base, self._roles.get(role, ()) if role else ())
            self._plain[role] = base
            self._tables[(role, ())] = MappingProxyType(base) if base else _EMPTY
        if own:
            merged = dict(base)
            self._merge(merged, own)
            self._tables[key] = MappingProxyType(merged) if merged else _EMPTY
        return self._tables[key]


def compile_site(site: model.Site, *, version: int = 0,
                 people: Iterable[model.Person] | None = None) -> Snapshot:
    """Compile a validated `Site` into a `Snapshot`; `version` is the caller's revision.

    `people`, if given, is compiled in place of `site.people` (which should then be empty),
    one person at a time, and the people are not kept: `snapshot.site` is `site` as given, so
    `snapshot.fingerprint` does not cover them. An edge controller streams 100,000 people
    through here so that only their compiled form ever stays in memory."""
    # Hundreds of thousands of new, acyclic objects: the collector's passes over them while
    # they are being built would only cost time (about a third of it).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compile(site, version, site.people if people is None else people)
    finally:
        if collecting:
            gc.enable()


class PeopleCompiler:
    """Compiles the people of one site exactly as `compile_site` does.

    Public so that an incremental update (a card revoked, a person suspended) can rebuild a
    few people against a snapshot without compiling the whole site, and stay identical to a
    full compile.
    """

    __slots__ = ("_access", "_tz")

    def __init__(self, site: model.Site) -> None:
        self._access = _AccessTables(site)
        self._tz = timeutil.timezone(site.timezone)

    def person(self, person: model.Person) -> CompiledPerson:
        """The compiled form of `person` (levels resolved through their role)."""
        vetting = person.vetting
        return CompiledPerson(
            person.id,
            person.status == "active",
            self._access.table(person.role, person.access_levels),
            vetting.status == "cleared"
            and model.DISQUALIFYING_FINDINGS.isdisjoint(vetting.findings),
            _expiry(vetting.expires, self._tz),
            tuple(
                digest
                for digest in (_pin_digest(pin.pin_hash) for pin in person.pins)
                if digest is not None
            )
            if person.pins
            else (),
            any(b.status == "active" and b.consent for b in person.biometrics),
        )

    @staticmethod
    def card_entries(
        person: model.Person, compiled: CompiledPerson
    ) -> list[tuple[CardKey, CardEntry]]:
        """The card index entries of `person`, pointing at their compiled form."""
        return [
            (
                (card.format, card.facility, card.number),
                CardEntry(card.status, _utc(card.valid_from), _utc(card.valid_until), compiled),
            )
            for card in person.cards
        ]


def _compile(site: model.Site, version: int, site_people: Iterable[model.Person]) -> Snapshot:
    tz = timeutil.timezone(site.timezone)
    zones = {zone.id: zone for zone in site.zones}
    schedules = {s.id: compile_schedule(s) for s in site.schedules}
    doors = {
        door.id: CompiledDoor(door.id, door.mode, door.from_zone, zones[door.to_zone])
        for door in site.doors
    }
    compiler = PeopleCompiler(site)
    people: dict[str, CompiledPerson] = {}
    cards: dict[CardKey, CardEntry] = {}
    pins: dict[bytes, CompiledPerson | None] = {}
    keypad = any(door.mode == "pin" for door in site.doors)
    for person in site_people:
        compiled = compiler.person(person)
        people[person.id] = compiled
        for card in person.cards:  # as `card_entries`, without a list per person
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
