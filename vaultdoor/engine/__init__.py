"""The access decision engine: pure Python, no Django.

The server, the edge controller and `vaultdoor access simulate` all run this same code:
`load_site` reads and validates a site file, `compile_site` turns the `Site` into an immutable
`Snapshot`, and `decide` answers one `Swipe` against it and a `DoorState`.
"""

from __future__ import annotations

from vaultdoor.engine.cards import CARD_LAYOUTS, UnreadableCard, decode, decode_hex, encode
from vaultdoor.engine.decisions import REASONS, Decision, decide
from vaultdoor.engine.model import (
    OUTSIDE,
    AccessLevel,
    Biometric,
    Card,
    Door,
    Floor,
    Holiday,
    Person,
    Pin,
    Role,
    Schedule,
    Site,
    Vetting,
    Window,
    Zone,
)
from vaultdoor.engine.pins import PinHasher, PinHashError
from vaultdoor.engine.schedules import CompiledSchedule, compile_schedule
from vaultdoor.engine.sitefile import (
    Issue,
    SiteValidationError,
    dump_site,
    load_site,
    site_from_data,
)
from vaultdoor.engine.snapshot import Snapshot, compile_site, fingerprint_site
from vaultdoor.engine.state import DoorState, MemoryState, Pending
from vaultdoor.engine.swipes import CardRead, RawRead, Swipe, SwipeError, parse_swipe
from vaultdoor.engine.timeutil import BadTime, parse_instant

__all__ = [
    "CARD_LAYOUTS",
    "OUTSIDE",
    "REASONS",
    "AccessLevel",
    "BadTime",
    "Biometric",
    "Card",
    "CardRead",
    "CompiledSchedule",
    "Decision",
    "Door",
    "DoorState",
    "Floor",
    "Holiday",
    "Issue",
    "MemoryState",
    "Pending",
    "Person",
    "Pin",
    "PinHashError",
    "PinHasher",
    "RawRead",
    "Role",
    "Schedule",
    "Site",
    "SiteValidationError",
    "Snapshot",
    "Swipe",
    "SwipeError",
    "UnreadableCard",
    "Vetting",
    "Window",
    "Zone",
    "compile_schedule",
    "compile_site",
    "decide",
    "decode",
    "decode_hex",
    "dump_site",
    "encode",
    "fingerprint_site",
    "load_site",
    "parse_instant",
    "parse_swipe",
    "site_from_data",
]
