"""Local decisions at the edge: the engine from the verified snapshot, offline grace, then
each door's failure mode (injectable clock, no sleeping)."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultdoor.edge.controller import EdgeController
from vaultdoor.edge.envelope import SignedHeader
from vaultdoor.edge.wire import SiteState
from vaultdoor.engine import PinHasher

from .test_sync import PIN_KEY, example_site, with_person_status

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # a Tuesday, inside office hours


def header(version: int = 1) -> SignedHeader:
    return SignedHeader(controller="ctl-1", kind="full", version=version, prev_version=0,
                        fingerprint="", issued_at="", payload_sha256="", key_id="")


def state(site=None, *, modes=None, grace_s: int = 7 * 86400) -> SiteState:
    settings = {"name": "ctl-1", "offline_grace_s": grace_s,
                "failure_modes": modes or {"D-MAIN": "secure", "D-VAULT": "secure"}}
    return SiteState.from_site(site or example_site(), controller=settings)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def spooled():
    return []


@pytest.fixture
def ctl(clock, spooled):
    c = EdgeController(pin_hasher=PinHasher(PIN_KEY), clock=clock, last_contact=NOW,
                       spool=lambda *args: spooled.append(args))
    c.install(state(), header())
    return c


def swipe(door="D-MAIN", card=(42, 10231), **extra):
    if isinstance(card, tuple):
        card = {"format": "h10301", "facility": card[0], "number": card[1]}
    body = {"at": NOW.isoformat(), "door": door, "card": card}
    return {**body, **extra}


def test_online_decisions_use_the_engine(ctl):
    assert ctl.decide(swipe())["reason"] == "granted"
    assert ctl.decide(swipe(card=(42, 10901)))["reason"] == "credential_inactive"
    assert ctl.decide(swipe(card=(1, 1)))["reason"] == "unknown_credential"


def test_every_decision_is_spooled_before_it_returns(ctl, spooled):
    decision = ctl.decide(swipe())
    (type_, door, data, at), = spooled
    assert (type_, door, at) == ("access.decision", "D-MAIN", NOW)
    assert data["decision"] == decision["decision"]
    assert data["presented"] == "card h10301 42:10231"
    assert "pin" not in data


def test_stateful_rules_hold_across_snapshot_updates(ctl):
    # Two-person at the vault: the pending presentation survives a new snapshot.
    first = ctl.decide(swipe("D-VAULT", (42, 10232), pin="7315"))
    assert first["decision"] == "pending"
    ctl.install(state(), header(2))
    second = ctl.decide(swipe("D-VAULT", pin="2290",
                              card={"format": "h10304", "facility": 1042, "number": 300001}))
    assert (second["decision"], second.get("companions")) == ("grant", ["E1002"])


def test_a_revocation_delta_denies_at_once(ctl):
    assert ctl.decide(swipe())["decision"] == "grant"
    ctl.install(state(with_person_status(example_site(), "E1001", "suspended")), header(2))
    assert ctl.decide(swipe())["reason"] == "person_inactive"


def test_offline_within_grace_keeps_deciding(ctl, clock):
    clock.now = NOW + dt.timedelta(days=6, hours=23)
    assert ctl.decide(swipe(at=clock.now.isoformat()))["reason"] in {"granted",
                                                                      "outside_schedule"}


def test_offline_past_grace_fails_secure_by_default(ctl, clock):
    clock.now = NOW + dt.timedelta(days=7, seconds=1)
    decision = ctl.decide(swipe())
    assert (decision["decision"], decision["reason"]) == ("deny", "offline_fail_secure")


def test_fail_safe_door_opens_past_grace(clock):
    c = EdgeController(pin_hasher=PinHasher(PIN_KEY), clock=clock, last_contact=NOW)
    c.install(state(modes={"D-MAIN": "safe", "D-VAULT": "safe"}, grace_s=3600), header())
    clock.now = NOW + dt.timedelta(hours=2)
    decision = c.decide(swipe())
    assert (decision["decision"], decision["reason"]) == ("grant", "offline_fail_safe")


def test_high_security_doors_always_fail_secure(clock):
    c = EdgeController(pin_hasher=PinHasher(PIN_KEY), clock=clock, last_contact=NOW)
    c.install(state(modes={"D-MAIN": "safe", "D-VAULT": "safe"}, grace_s=3600), header())
    assert c.failure_mode("D-VAULT") == "secure"  # the vault zone is high security
    clock.now = NOW + dt.timedelta(hours=2)
    assert c.decide(swipe("D-VAULT", (42, 10232), pin="7315"))["reason"] == "offline_fail_secure"


def test_contact_restores_normal_decisions(ctl, clock):
    clock.now = NOW + dt.timedelta(days=8)
    assert ctl.decide(swipe())["reason"] == "offline_fail_secure"
    ctl.mark_contact()
    assert ctl.decide(swipe(at=clock.now.isoformat()))["decision"] == "grant"


def test_never_reached_server_fails_secure(clock):
    c = EdgeController(pin_hasher=PinHasher(PIN_KEY), clock=clock, last_contact=None)
    c.install(state(), header())
    assert c.decide(swipe())["reason"] == "offline_fail_secure"


def test_without_snapshot_every_door_denies(clock):
    c = EdgeController(pin_hasher=PinHasher(PIN_KEY), clock=clock, last_contact=NOW)
    assert c.decide(swipe())["reason"] == "no_snapshot"


def test_unknown_door_denies(ctl):
    assert ctl.decide(swipe("D-NOWHERE"))["reason"] == "unknown_door"
