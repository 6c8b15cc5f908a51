"""The entitlement snapshot on the wire: a site as canonical JSON, its fingerprint, and deltas.

Pure Python (no Django): the server builds these from the database, the edge controller
rebuilds the engine's `Site` from them. A `SiteState` keeps every entity (zone, door, person...)
as its canonical JSON text, keyed by collection and id, so that

- the fingerprint (SHA-256 over the sorted canonical texts) is the same on both sides,
- a delta is just "these entities are now this, these ids are gone", and
- 100,000 cardholders cost one short string each in memory, not a tree of dicts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vaultdoor.engine import model as em

__all__ = [
    "COLLECTIONS",
    "WIRE_VERSION",
    "SiteState",
    "WireError",
    "canonical",
    "delta_counts",
    "entity_from_wire",
    "entity_to_wire",
    "iter_people",
    "read_entity",
]

WIRE_VERSION = 1
# Order matters only for the fingerprint; it never changes once released.
COLLECTIONS = (
    "floors", "zones", "doors", "holidays", "schedules", "access_levels", "roles", "people",
)


class WireError(ValueError):
    """A snapshot or delta is malformed: the message names the collection and id."""


def canonical(value: Any) -> str:
    """Deterministic JSON text: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


# --- entities: engine dataclass <-> JSON object ---------------------------------------------


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_instant(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise WireError(f"date-time without an offset: {value!r}")
    return parsed


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def entity_to_wire(collection: str, entity: Any) -> tuple[str, dict[str, Any]]:
    """(id, JSON object) of one engine entity in `collection`."""
    if collection == "floors":
        return entity.id, {"id": entity.id, "name": entity.name, "level": entity.level}
    if collection == "zones":
        return entity.id, {
            "id": entity.id, "name": entity.name, "floor": entity.floor,
            "security": entity.security, "purpose": entity.purpose, "phones": entity.phones,
            "customer_data": entity.customer_data, "requires_vetting": entity.requires_vetting,
            "anti_passback": entity.anti_passback, "max_occupancy": entity.max_occupancy,
            "two_person": entity.two_person, "two_person_window_s": entity.two_person_window_s,
        }
    if collection == "doors":
        return entity.id, {"id": entity.id, "name": entity.name, "from": entity.from_zone,
                           "to": entity.to_zone, "mode": entity.mode}
    if collection == "holidays":
        return entity.date.isoformat(), {"date": entity.date.isoformat(), "name": entity.name}
    if collection == "schedules":
        windows = sorted(
            ([sorted(w.days), w.start, w.end] for w in entity.windows),
        )
        return entity.id, {"id": entity.id, "holidays": entity.holidays, "windows": windows}
    if collection == "access_levels":
        return entity.id, {"id": entity.id, "name": entity.name, "zones": list(entity.zones),
                           "schedule": entity.schedule}
    if collection == "roles":
        return entity.id, {"id": entity.id, "name": entity.name,
                           "access_levels": list(entity.access_levels)}
    if collection == "people":
        return entity.id, _person_to_wire(entity)
    raise WireError(f"unknown collection {collection!r}")


def _person_to_wire(person: em.Person) -> dict[str, Any]:
    vetting = person.vetting
    return {
        "id": person.id, "name": person.name, "kind": person.kind, "status": person.status,
        "role": person.role,
        "vetting": {"status": vetting.status, "completed": _day(vetting.completed),
                    "expires": _day(vetting.expires), "findings": list(vetting.findings)},
        "access_levels": list(person.access_levels),
        "cards": [
            {"facility": c.facility, "number": c.number, "format": c.format,
             "status": c.status, "valid_from": _instant(c.valid_from),
             "valid_until": _instant(c.valid_until)}
            for c in person.cards
        ],
        "pins": [p.pin_hash for p in person.pins],
        "biometrics": [{"consent": b.consent, "status": b.status} for b in person.biometrics],
    }


def entity_from_wire(collection: str, data: Mapping[str, Any]) -> Any:
    """The engine dataclass for one JSON object of `collection`; `WireError` if malformed."""
    try:
        return _ENTITY_READERS[collection](data)
    except WireError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"{collection}: malformed entity ({exc!s})") from None


def _read_person(d: Mapping[str, Any]) -> em.Person:
    # The few distinct words (statuses, kinds, formats, role and level ids) are interned:
    # 100,000 people then share one "active", not 100,000 copies of it.
    intern = sys.intern
    v = d["vetting"]
    return em.Person(
        id=d["id"], name=d["name"], kind=intern(d["kind"]), status=intern(d["status"]),
        role=intern(d["role"]) if isinstance(d["role"], str) else d["role"],
        vetting=em.Vetting(status=intern(v["status"]), completed=_parse_day(v["completed"]),
                           expires=_parse_day(v["expires"]),
                           findings=tuple(intern(f) for f in v["findings"])),
        access_levels=tuple(intern(a) for a in d["access_levels"]),
        cards=tuple(
            em.Card(facility=int(c["facility"]), number=int(c["number"]),
                    format=intern(c["format"]), status=intern(c["status"]),
                    valid_from=_parse_instant(c["valid_from"]),
                    valid_until=_parse_instant(c["valid_until"]))
            for c in d["cards"]
        ),
        pins=tuple(em.Pin(pin_hash=h) for h in d["pins"]),
        biometrics=tuple(em.Biometric(consent=b["consent"], status=intern(b["status"]))
                         for b in d["biometrics"]),
    )


def read_entity(collection: str, key: str, text: str) -> Any:
    """The engine dataclass of one entity's canonical text, checked to carry id `key`."""
    try:
        obj = json.loads(text)
    except ValueError:
        raise WireError(f"{collection}[{key}]: not JSON") from None
    field_name = "date" if collection == "holidays" else "id"
    if not isinstance(obj, dict) or obj.get(field_name) != key:
        raise WireError(f"{collection}[{key}]: the entity does not carry this id")
    obj[field_name] = key  # the key's own string: one copy of each id in memory, not two
    return entity_from_wire(collection, obj)


_ENTITY_READERS: dict[str, Any] = {
    "floors": lambda d: em.Floor(id=d["id"], name=d["name"], level=int(d["level"])),
    "zones": lambda d: em.Zone(
        id=d["id"], name=d["name"], floor=d["floor"], security=d["security"],
        purpose=d["purpose"], phones=d["phones"], customer_data=bool(d["customer_data"]),
        requires_vetting=bool(d["requires_vetting"]), anti_passback=d["anti_passback"],
        max_occupancy=d["max_occupancy"], two_person=bool(d["two_person"]),
        two_person_window_s=int(d["two_person_window_s"]),
    ),
    "doors": lambda d: em.Door(id=d["id"], name=d["name"], from_zone=d["from"],
                               to_zone=d["to"], mode=d["mode"]),
    "holidays": lambda d: em.Holiday(date=dt.date.fromisoformat(d["date"]), name=d["name"]),
    "schedules": lambda d: em.Schedule(
        id=d["id"], holidays=d["holidays"],
        windows=tuple(em.Window(days=frozenset(int(x) for x in days), start=int(start),
                                end=int(end)) for days, start, end in d["windows"]),
    ),
    "access_levels": lambda d: em.AccessLevel(id=d["id"], name=d["name"],
                                              zones=tuple(d["zones"]), schedule=d["schedule"]),
    "roles": lambda d: em.Role(id=d["id"], name=d["name"],
                               access_levels=tuple(d["access_levels"])),
    "people": _read_person,
}


# --- the whole state ------------------------------------------------------------------------


@dataclass(slots=True)
class SiteState:
    """A controller's entitlements as canonical texts: `header` (site and controller settings)
    and, per collection, id -> canonical JSON of the entity."""

    header: dict[str, Any]
    entities: dict[str, dict[str, str]] = field(default_factory=dict)
    # Entities already read back into engine dataclasses, with the text they came from: a
    # delta then re-reads only what it changed (100,000 people take seconds to read).
    parsed: dict[str, dict[str, tuple[str, Any]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # For a state made by `apply`: the ids each collection's delta touched, and whether the
    # header changed (lets the edge patch its compiled snapshot without scanning everything).
    touched: dict[str, frozenset[str]] | None = field(default=None, repr=False, compare=False)

    # -- building --

    @classmethod
    def from_site(cls, site: em.Site, *, controller: Mapping[str, Any] | None = None
                  ) -> SiteState:
        """The state of an engine `Site`; `controller` holds settings the edge needs (door
        failure modes, offline grace) and is covered by the fingerprint like everything else."""
        header = {
            "wire": WIRE_VERSION,
            "site": {"id": site.id, "name": site.name, "timezone": site.timezone},
            "controller": dict(controller or {}),
        }
        entities: dict[str, dict[str, str]] = {}
        for collection in COLLECTIONS:
            texts: dict[str, str] = {}
            for entity in getattr(site, collection):
                key, obj = entity_to_wire(collection, entity)
                texts[key] = canonical(obj)
            entities[collection] = texts
        return cls(header=header, entities=entities)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> SiteState:
        """Read a full snapshot payload `{"header": ..., "entities": {coll: {id: text}}}`.

        Entities travel as their canonical JSON texts (JSON strings inside the payload), so
        reading 100,000 cardholders makes 100,000 strings, not a tree of a million objects;
        each text is checked against its id when it is first read into the engine's form."""
        try:
            header = dict(payload["header"])
            raw = payload["entities"]
            if header.get("wire") != WIRE_VERSION:
                raise WireError(f"unknown wire version {header.get('wire')!r}")
            unknown = set(raw) - set(COLLECTIONS)
            if unknown:
                raise WireError(
                    f"unknown collections in snapshot: {', '.join(sorted(unknown))}"
                )
            entities: dict[str, dict[str, str]] = {}
            for collection in COLLECTIONS:
                texts = raw.get(collection, {})
                if not isinstance(texts, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in texts.items()
                ):
                    raise WireError(f"{collection}: entities must be id -> JSON text")
                entities[collection] = texts
        except (KeyError, TypeError, AttributeError) as exc:
            raise WireError(f"malformed snapshot payload ({exc!s})") from None
        return cls(header=header, entities=entities)

    def to_payload(self) -> dict[str, Any]:
        """The full snapshot payload (what `from_payload` reads)."""
        return {
            "header": self.header,
            "entities": {
                coll: {key: self.entities[coll][key] for key in sorted(self.entities[coll])}
                for coll in COLLECTIONS
            },
        }

    def to_site(self, *, people: bool = True) -> em.Site:
        """The engine's `Site` for this state (entities in id order); with `people=False`,
        a site without its people (read them one at a time with `read_entities`)."""
        site = self.header["site"]
        parts: dict[str, tuple[Any, ...]] = {}
        for coll in COLLECTIONS:
            if coll == "people" and not people:
                parts[coll] = ()
                continue
            texts = self.entities.get(coll, {})
            cache = self.parsed.setdefault(coll, {})
            items = []
            for key in sorted(texts):
                text = texts[key]
                hit = cache.get(key)
                if hit is None or hit[0] != text:
                    hit = (text, read_entity(coll, key, text))
                    cache[key] = hit
                items.append(hit[1])
            for gone in set(cache) - set(texts):
                del cache[gone]
            parts[coll] = tuple(items)
        return em.Site(id=site["id"], name=site["name"], timezone=site["timezone"], **parts)

    def read_entities(self, collection: str) -> Iterator[Any]:
        """The engine dataclasses of one collection in id order, read one at a time and not
        kept (what `to_site` would hold, without holding all of them at once)."""
        texts = self.entities.get(collection, {})
        for key in sorted(texts):
            yield read_entity(collection, key, texts[key])

    @property
    def controller(self) -> dict[str, Any]:
        """The controller settings in the header (failure modes, offline grace)."""
        return dict(self.header.get("controller") or {})

    def count(self, collection: str) -> int:
        return len(self.entities.get(collection, {}))

    # -- identity --

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the header and every entity, in a fixed order."""
        digest = hashlib.sha256()
        digest.update(canonical(self.header).encode())
        for coll in COLLECTIONS:
            texts = self.entities.get(coll, {})
            digest.update(f"\n#{coll}\n".encode())
            for key in sorted(texts):
                digest.update(key.encode())
                digest.update(b"\x00")
                digest.update(texts[key].encode())
                digest.update(b"\n")
        return digest.hexdigest()

    # -- changes --

    def diff(self, newer: SiteState) -> dict[str, Any]:
        """The delta that turns this state into `newer`: upserted objects and removed ids."""
        upsert: dict[str, list[Any]] = {}
        remove: dict[str, list[str]] = {}
        for coll in COLLECTIONS:
            old = self.entities.get(coll, {})
            new = newer.entities.get(coll, {})
            changed = [json.loads(text) for key, text in sorted(new.items())
                       if old.get(key) != text]
            gone = sorted(set(old) - set(new))
            if changed:
                upsert[coll] = changed
            if gone:
                remove[coll] = gone
        delta: dict[str, Any] = {"upsert": upsert, "remove": remove}
        if newer.header != self.header:
            delta["header"] = newer.header
        return delta

    def apply(self, delta: Mapping[str, Any]) -> SiteState:
        """A new state with `delta` applied (this one is left unchanged)."""
        try:
            upsert = delta.get("upsert", {})
            remove = delta.get("remove", {})
            unknown = (set(upsert) | set(remove)) - set(COLLECTIONS)
            if unknown:
                raise WireError(f"unknown collections in delta: {', '.join(sorted(unknown))}")
            entities = {coll: dict(self.entities.get(coll, {})) for coll in COLLECTIONS}
            for coll, keys in remove.items():
                for key in keys:
                    entities[coll].pop(key, None)
            for coll, objects in upsert.items():
                for obj in objects:
                    entities[coll][_key_of(coll, obj)] = canonical(obj)
            header = dict(delta["header"]) if "header" in delta else dict(self.header)
        except (KeyError, TypeError, AttributeError) as exc:
            raise WireError(f"malformed delta ({exc!s})") from None
        parsed = {coll: dict(cache) for coll, cache in self.parsed.items()}
        touched = {
            coll: frozenset(
                [_key_of(coll, obj) for obj in upsert.get(coll, ())] + list(remove.get(coll, ()))
            )
            for coll in set(upsert) | set(remove)
        }
        if header != self.header:
            touched["#header"] = frozenset()
        return SiteState(header=header, entities=entities, parsed=parsed, touched=touched)

    def summary(self) -> dict[str, int]:
        return {coll: self.count(coll) for coll in COLLECTIONS}


def _key_of(collection: str, obj: Mapping[str, Any]) -> str:
    key = obj["date"] if collection == "holidays" else obj["id"]
    if not isinstance(key, str):
        raise WireError(f"{collection}: id must be a string, got {key!r}")
    return key


def delta_counts(delta: Mapping[str, Any]) -> dict[str, int]:
    """How many entities a delta touches per collection (for events and logs)."""
    counts: dict[str, int] = {}
    for part in ("upsert", "remove"):
        for coll, items in (delta.get(part) or {}).items():
            counts[coll] = counts.get(coll, 0) + len(items)
    return counts


def iter_people(state: SiteState) -> Iterable[str]:
    """Person ids in a state (for tests and status pages)."""
    return iter(state.entities.get("people", {}))
