"""Shared pieces for the edge tests: a stub decision function and an event recorder."""

from __future__ import annotations

import threading
import time

import pytest

from vaultdoor.engine.cards import UnreadableCard, decode_hex

GOOD = ("h10301", 42, 10231)
GOOD_PIN = "4821"


class StubDecisions:
    """Grants card 42:10231 (with PIN 4821 where a PIN is given), denies every other card,
    and keeps every swipe it was asked about."""

    def __init__(self) -> None:
        self.swipes: list[dict] = []
        self.pin_doors: set[str] = set()

    def __call__(self, swipe: dict) -> dict:
        self.swipes.append(swipe)
        base = {"door": swipe["door"], "zone": "Z-1", "warnings": []}
        if "card" not in swipe:
            ok = swipe.get("pin") == GOOD_PIN
            return {**base, "decision": "grant" if ok else "deny",
                    "reason": "granted" if ok else "unknown_credential",
                    "person": "P-1" if ok else None}
        try:
            card = decode_hex(swipe["card"]["bits"], swipe["card"]["data"])
        except UnreadableCard:
            return {**base, "decision": "deny", "reason": "unreadable_card", "person": None}
        if card != GOOD:
            return {**base, "decision": "deny", "reason": "unknown_credential", "person": None}
        if swipe["door"] in self.pin_doors and swipe.get("direction") == "in":
            if "pin" not in swipe:
                return {**base, "decision": "deny", "reason": "pin_required", "person": "P-1"}
            if swipe["pin"] != GOOD_PIN:
                return {**base, "decision": "deny", "reason": "wrong_pin", "person": "P-1"}
        return {**base, "decision": "grant", "reason": "granted", "person": "P-1"}


class Recorder:
    """Collects edge events; `wait` blocks (bounded) until one of a kind arrives."""

    def __init__(self) -> None:
        self.events: list = []
        self._cond = threading.Condition()

    def __call__(self, event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self) -> list[str]:
        with self._cond:
            return [e.kind for e in self.events]

    def wait(self, kind: str, timeout: float = 10.0, count: int = 1):
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(e.kind == kind for e in self.events) >= count, timeout=timeout
            )
            assert ok, f"no {kind} event within {timeout}s; got {[e.kind for e in self.events]}"
            return [e for e in self.events if e.kind == kind][count - 1]


def eventually(predicate, timeout: float = 10.0, step: float = 0.02) -> bool:
    """Poll `predicate` until it holds or `timeout` passes (for state with no event to wait on)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)
    return True


@pytest.fixture
def decisions():
    return StubDecisions()


@pytest.fixture
def recorder():
    return Recorder()
