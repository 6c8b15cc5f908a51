"""A small site for engine tests, as site-file data that each test may copy and change."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from vaultdoor.engine import (
    Decision,
    MemoryState,
    PinHasher,
    Site,
    Snapshot,
    compile_site,
    decide,
    load_site,
    parse_swipe,
)

HASHER = PinHasher(b"engine-tests-pin-key-0123456789abcdef")

_BASE: dict[str, Any] = {
    "version": 1,
    "site": {"id": "test", "name": "Test centre", "timezone": "Europe/London"},
    "floors": [{"id": "G", "name": "Ground", "level": 0}],
    "zones": [
        {"id": "lobby", "name": "Lobby", "floor": "G", "security": "public"},
        {"id": "office", "name": "Office", "floor": "G", "anti_passback": "soft"},
        {
            "id": "vault",
            "name": "Vault",
            "floor": "G",
            "security": "high",
            "anti_passback": "hard",
            "max_occupancy": 3,
            "two_person": True,
            "two_person_window_s": 10,
        },
        {"id": "cupboard", "name": "Cupboard", "floor": "G", "max_occupancy": 1},
        {"id": "records", "name": "Records", "floor": "G", "purpose": "records"},
        {"id": "kiosk", "name": "Kiosk", "floor": "G", "purpose": "training"},
    ],
    "doors": [
        {"id": "D-IN", "name": "Entrance", "from": "outside", "to": "lobby"},
        {"id": "D-OFFICE", "name": "Office", "from": "lobby", "to": "office"},
        {"id": "D-VAULT", "name": "Vault", "from": "lobby", "to": "vault", "mode": "card_and_pin"},
        {"id": "D-CUP", "name": "Cupboard", "from": "lobby", "to": "cupboard"},
        {
            "id": "D-REC",
            "name": "Records",
            "from": "lobby",
            "to": "records",
            "mode": "card_and_biometric",
        },
        {"id": "D-KEY", "name": "Keypad", "from": "lobby", "to": "kiosk", "mode": "pin"},
        {
            "id": "D-LOCKED",
            "name": "Fire exit",
            "from": "outside",
            "to": "office",
            "mode": "locked",
        },
        {"id": "D-OPEN", "name": "Open", "from": "outside", "to": "lobby", "mode": "unlocked"},
    ],
    "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
    "schedules": [
        {
            "id": "always",
            "windows": [
                {
                    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                    "from": "00:00",
                    "to": "24:00",
                }
            ],
            "holidays": "open",
        },
        {
            "id": "office",
            "windows": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "20:00"}
            ],
        },
        {
            "id": "late",
            "windows": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "19:00", "to": "22:00"}
            ],
            "holidays": "open",
        },
    ],
    "access_levels": [
        {
            "id": "everywhere",
            "zones": ["lobby", "office", "vault", "cupboard", "records", "kiosk"],
            "schedule": "always",
        },
        {"id": "day", "zones": ["lobby", "office"], "schedule": "office"},
        {"id": "evening", "zones": ["office"], "schedule": "late"},
    ],
    "roles": [{"id": "boss", "access_levels": ["everywhere"]}],
    "people": [
        {
            "id": "P1",
            "name": "One",
            "kind": "employee",
            "role": "boss",
            "status": "active",
            "vetting": {"status": "cleared"},
            "credentials": [
                {"type": "card", "facility": 1, "number": 1},
                {"type": "pin", "pin": "1111"},
                {"type": "biometric", "consent": True},
            ],
        },
        {
            "id": "P2",
            "name": "Two",
            "kind": "employee",
            "role": "boss",
            "status": "active",
            "vetting": {"status": "cleared"},
            "credentials": [
                {"type": "card", "facility": 1, "number": 2},
                {"type": "pin", "pin": "2222"},
            ],
        },
        {
            "id": "P3",
            "name": "Three",
            "kind": "employee",
            "role": "boss",
            "status": "active",
            "vetting": {"status": "cleared"},
            "credentials": [
                {"type": "card", "format": "h10304", "facility": 1000, "number": 300000},
                {"type": "pin", "pin": "3333"},
            ],
        },
        {
            "id": "P4",
            "name": "Four",
            "kind": "employee",
            "role": "boss",
            "status": "active",
            "vetting": {"status": "cleared"},
            "credentials": [
                {"type": "card", "facility": 1, "number": 4},
                {"type": "pin", "pin": "4444"},
            ],
        },
        {
            "id": "DAY",
            "name": "Day worker",
            "kind": "employee",
            "status": "active",
            "access_levels": ["day"],
            "credentials": [{"type": "card", "facility": 2, "number": 1}],
        },
    ],
}


def base() -> dict[str, Any]:
    """A fresh deep copy of the test site's data."""
    return copy.deepcopy(_BASE)


def person(data: dict[str, Any], person_id: str) -> dict[str, Any]:
    return next(p for p in data["people"] if p["id"] == person_id)


def zone(data: dict[str, Any], zone_id: str) -> dict[str, Any]:
    return next(z for z in data["zones"] if z["id"] == zone_id)


def load(data: dict[str, Any]) -> Site:
    return load_site(yaml.safe_dump(data, sort_keys=False), pin_hasher=HASHER)


def snapshot(data: dict[str, Any] | None = None) -> Snapshot:
    return compile_site(load(base() if data is None else data))


def card(number: int, facility: int = 1, card_format: str = "h10301") -> dict[str, Any]:
    return {"format": card_format, "facility": facility, "number": number}


class Run:
    """Decides swipes one after another against one snapshot and one memory state."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.snapshot = snapshot(data)
        self.state = MemoryState()

    def swipe(self, at: str, door: str, **fields: Any) -> Decision:
        swipe = parse_swipe({"at": at, "door": door, **fields}, self.snapshot)
        return decide(self.snapshot, self.state, swipe, HASHER)

    def reason(self, at: str, door: str, **fields: Any) -> str:
        return self.swipe(at, door, **fields).reason
