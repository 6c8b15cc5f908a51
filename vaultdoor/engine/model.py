"""The site model: what a validated site file (or the database) says about one contact centre.

These frozen dataclasses are the one interchange between the site file, the database, the
compiled snapshot and the edge controller. They hold values already validated and normalised:
ids are strings, times are minutes since midnight, date-times are timezone-aware, and PINs are
hashes (see `pins.py`), never digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "ANTI_PASSBACK",
    "CARD_FORMATS",
    "CREDENTIAL_STATUSES",
    "DAYS",
    "DISQUALIFYING_FINDINGS",
    "DOOR_MODES",
    "FINDINGS",
    "OUTSIDE",
    "PERSON_KINDS",
    "PERSON_STATUSES",
    "PURPOSES",
    "SECURITY_LEVELS",
    "VETTING_STATUSES",
    "AccessLevel",
    "Biometric",
    "Card",
    "Door",
    "Floor",
    "Holiday",
    "Person",
    "Pin",
    "Role",
    "Schedule",
    "Site",
    "Vetting",
    "Window",
    "Zone",
]

OUTSIDE = "outside"
SECURITY_LEVELS = ("public", "standard", "restricted", "high")
PURPOSES = ("general", "equipment", "records", "break", "training")
ANTI_PASSBACK = ("none", "soft", "hard")
DOOR_MODES = ("card", "card_and_pin", "card_and_biometric", "pin", "locked", "unlocked")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = datetime.weekday()
PERSON_KINDS = ("employee", "contractor", "visitor")
PERSON_STATUSES = ("active", "suspended", "terminated")
VETTING_STATUSES = ("not_started", "pending", "cleared", "adverse", "expired")
FINDINGS = ("identity_theft", "fraud", "violent_crime", "other")
DISQUALIFYING_FINDINGS = frozenset({"identity_theft", "fraud", "violent_crime"})
CARD_FORMATS = ("h10301", "h10304")
CREDENTIAL_STATUSES = ("active", "lost", "suspended", "revoked")


@dataclass(frozen=True, slots=True)
class Floor:
    """A storey of the building; `level` is 0 for the ground floor, -1 for the basement."""

    id: str
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class Zone:
    """An area behind doors, with its security level, purpose and entry rules."""

    id: str
    name: str
    floor: str
    security: str = "standard"
    purpose: str = "general"
    phones: str = "forbidden"
    customer_data: bool = False
    requires_vetting: bool = False
    anti_passback: str = "none"
    max_occupancy: int | None = None
    two_person: bool = False
    two_person_window_s: int = 10


@dataclass(frozen=True, slots=True)
class Door:
    """A door with a reader: passing it `in` moves from `from_zone` into `to_zone`."""

    id: str
    name: str
    from_zone: str
    to_zone: str
    mode: str = "card"


@dataclass(frozen=True, slots=True)
class Window:
    """Part of a schedule: on `days` (0 = Monday), from `start` (inclusive) to `end` (exclusive),
    both in minutes since site-local midnight; `end` may be 1440 (24:00)."""

    days: frozenset[int]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Schedule:
    """When access levels that use it are active; `holidays` is `closed` or `open`."""

    id: str
    windows: tuple[Window, ...]
    holidays: str = "closed"


@dataclass(frozen=True, slots=True)
class Holiday:
    """A site-local date on which `holidays: closed` schedules are inactive all day."""

    date: dt.date
    name: str


@dataclass(frozen=True, slots=True)
class AccessLevel:
    """A set of zones, usable while its schedule is active."""

    id: str
    zones: tuple[str, ...]
    schedule: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Role:
    """A job (agent, IT engineer) and the access levels it carries."""

    id: str
    access_levels: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class Vetting:
    """A person's background check as the access engine sees it."""

    status: str = "not_started"
    completed: dt.date | None = None
    expires: dt.date | None = None
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Card:
    """A badge: format, facility code and card number, with status and validity instants."""

    facility: int
    number: int
    format: str = "h10301"
    status: str = "active"
    valid_from: dt.datetime | None = None  # aware; inclusive
    valid_until: dt.datetime | None = None  # aware; exclusive


@dataclass(frozen=True, slots=True)
class Pin:
    """A PIN, held only as a keyed hash (`pins.PinHasher`)."""

    pin_hash: str


@dataclass(frozen=True, slots=True)
class Biometric:
    """An enrolled biometric template held by the reader; here only consent and status."""

    consent: bool = True
    status: str = "active"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who may present at a door: employee, contractor or visitor."""

    id: str
    name: str
    kind: str
    status: str
    role: str | None = None
    vetting: Vetting = field(default_factory=Vetting)
    access_levels: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    pins: tuple[Pin, ...] = ()
    biometrics: tuple[Biometric, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    """One contact centre, complete: the content of a valid site file."""

    id: str
    name: str
    timezone: str
    floors: tuple[Floor, ...] = ()
    zones: tuple[Zone, ...] = ()
    doors: tuple[Door, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    access_levels: tuple[AccessLevel, ...] = ()
    roles: tuple[Role, ...] = ()
    people: tuple[Person, ...] = ()
