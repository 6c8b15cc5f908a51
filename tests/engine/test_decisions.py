"""Every reason code and rule of site-format.md's order of checks, one behaviour per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.sites import Run, base, card, person, zone
from vaultdoor.engine import REASONS, encode

TUE = "2026-12-01"  # a Tuesday
SAT = "2026-12-05"
XMAS = "2026-12-25"  # a Friday, and a holiday in the test site


def at(time: str, day: str = TUE) -> str:
    return f"{day}T{time}"


# --- step 1: door mode -------------------------------------------------------------------


def test_locked_door_denies_without_reading_the_credential() -> None:
    decision = Run().swipe(at("09:00"), "D-LOCKED", card=card(1))
    assert decision.to_dict() == {
        "decision": "deny",
        "reason": "door_locked",
        "person": None,
        "door": "D-LOCKED",
        "zone": "office",
        "warnings": [],
    }


def test_unlocked_door_grants_and_moves_nobody() -> None:
    run = Run()
    decision = run.swipe(at("09:00"), "D-OPEN", card=card(1))
    assert (decision.decision, decision.reason, decision.person) == (
        "grant",
        "door_unlocked",
        None,
    )
    assert run.state.location("P1") == "outside"
    assert run.state.occupancy("lobby") == 0


def test_unlocked_door_grants_even_an_unknown_card() -> None:
    assert Run().reason(at("03:00"), "D-OPEN", card=card(999)) == "door_unlocked"


# --- step 2: credential ------------------------------------------------------------------


def _raw(card_format: str, facility: int, number: int) -> dict[str, object]:
    bits, data = encode(card_format, facility, number)
    return {"bits": bits, "data": data.hex().upper()}


def test_raw_bits_identify_both_formats() -> None:
    run = Run()
    assert run.swipe(at("09:00"), "D-IN", card=_raw("h10301", 1, 1)).person == "P1"
    assert run.swipe(at("09:00"), "D-IN", card=_raw("h10304", 1000, 300000)).person == "P3"


def test_raw_bits_pad_bits_are_ignored() -> None:
    raw = _raw("h10301", 1, 1)
    padded = f"{int(str(raw['data']), 16) | 0x3F:08X}"  # 26 bits in 4 bytes: 6 pad bits
    assert Run().swipe(at("09:00"), "D-IN", card={"bits": 26, "data": padded}).person == "P1"


def test_raw_bits_hex_in_lower_case() -> None:
    raw = _raw("h10301", 1, 1)
    lower = {"bits": 26, "data": str(raw["data"]).lower()}
    assert Run().reason(at("09:00"), "D-IN", card=lower) == "granted"


@pytest.mark.parametrize(
    "raw",
    [
        {"bits": 30, "data": "00000000"},  # not a known length
        {"bits": 26, "data": "1513FC00"},  # trailing parity wrong
        {"bits": 26, "data": "9513FC40"},  # leading parity wrong
        {"bits": 26, "data": "1513FC"},  # too few bytes
        {"bits": 26, "data": "1513FC4000"},  # too many bytes
        {"bits": 26, "data": "ZZ13FC40"},  # not hex
        {"bits": 37, "data": "0209493E"},  # 37 bits need 5 bytes
        {"bits": 0, "data": ""},
    ],
)
def test_unreadable_card(raw: dict[str, object]) -> None:
    decision = Run().swipe(at("09:00"), "D-IN", card=raw)
    assert (decision.decision, decision.reason, decision.person) == (
        "deny",
        "unreadable_card",
        None,
    )


def test_unknown_card() -> None:
    decision = Run().swipe(at("09:00"), "D-IN", card=card(999))
    assert (decision.reason, decision.person) == ("unknown_credential", None)


def test_card_door_without_a_card_is_unknown_credential() -> None:
    decision = Run().swipe(at("09:00"), "D-IN", pin="1111")
    assert (decision.reason, decision.person) == ("unknown_credential", None)


def test_card_format_matters() -> None:
    # facility 1 number 1 exists as h10301 only
    assert Run().reason(at("09:00"), "D-IN", card=card(1, card_format="h10304")) == (
        "unknown_credential"
    )


def test_card_status_not_active() -> None:
    data = base()
    person(data, "P1")["credentials"][0]["status"] = "lost"
    decision = Run(data).swipe(at("09:00"), "D-IN", card=card(1))
    assert (decision.reason, decision.person) == ("credential_inactive", "P1")


def test_inactive_card_wins_over_validity() -> None:
    data = base()
    person(data, "P1")["credentials"][0].update(status="revoked", valid_until="2026-01-01")
    assert Run(data).reason(at("09:00"), "D-IN", card=card(1)) == "credential_inactive"


def test_card_validity_instants_are_inclusive_then_exclusive() -> None:
    data = base()
    person(data, "P1")["credentials"][0].update(
        valid_from="2026-12-01T08:00", valid_until="2026-12-01T18:00"
    )
    run = Run(data)
    assert run.reason(at("07:59:59"), "D-IN", card=card(1)) == "credential_not_yet_valid"
    assert run.reason(at("08:00"), "D-IN", card=card(1)) == "granted"
    run.swipe(at("17:00"), "D-OFFICE", card=card(1))
    assert run.reason(at("17:59:59"), "D-CUP", card=card(1)) == "granted"
    assert run.reason(at("18:00"), "D-IN", card=card(1)) == "credential_expired"


def test_card_validity_bare_date_means_local_midnight_in_summer() -> None:
    data = base()
    person(data, "P1")["credentials"][0]["valid_from"] = "2026-07-01"
    run = Run(data)
    # 00:00 BST is 23:00 UTC the day before
    assert run.reason("2026-06-30T23:30:00+00:00", "D-IN", card=card(1)) == "granted"
    assert run.reason("2026-06-30T22:59:59+00:00", "D-CUP", card=card(1)) == (
        "credential_not_yet_valid"
    )


def test_card_validity_with_an_offset_is_that_instant() -> None:
    data = base()
    person(data, "P1")["credentials"][0]["valid_until"] = "2026-12-01T09:00:00+02:00"
    run = Run(data)
    assert run.reason(at("06:59"), "D-IN", card=card(1)) == "granted"
    assert run.reason(at("07:00"), "D-CUP", card=card(1)) == "credential_expired"


# --- step 3: person ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["suspended", "terminated"])
def test_person_inactive(status: str) -> None:
    data = base()
    person(data, "P1")["status"] = status
    decision = Run(data).swipe(at("09:00"), "D-IN", card=card(1))
    assert (decision.reason, decision.person) == ("person_inactive", "P1")


def test_person_inactive_also_on_the_way_out() -> None:
    data = base()
    person(data, "P1")["status"] = "suspended"
    assert Run(data).reason(at("09:00"), "D-IN", card=card(1), direction="out") == (
        "person_inactive"
    )


# --- step 4: second factor -----------------------------------------------------------------


def test_pin_required_and_wrong_pin() -> None:
    run = Run()
    assert run.reason(at("09:00"), "D-VAULT", card=card(1)) == "pin_required"
    assert run.reason(at("09:00"), "D-VAULT", card=card(1), pin="2222") == "wrong_pin"
    assert run.reason(at("09:00"), "D-VAULT", card=card(1), pin="1111") == (
        "awaiting_second_person"
    )


def test_wrong_pin_for_a_person_without_a_pin() -> None:
    data = base()
    data["zones"].append({"id": "lab", "name": "Lab", "floor": "G"})
    data["doors"].append(
        {"id": "D-LAB", "name": "Lab", "from": "lobby", "to": "lab", "mode": "card_and_pin"}
    )
    data["access_levels"][1]["zones"].append("lab")
    assert Run(data).reason(at("09:00"), "D-LAB", card=card(1, facility=2), pin="1234") == (
        "wrong_pin"
    )


def test_biometric_checks() -> None:
    run = Run()
    assert run.reason(at("09:00"), "D-REC", card=card(1)) == "biometric_required"
    assert run.reason(at("09:00"), "D-REC", card=card(1), biometric="no_match") == (
        "biometric_mismatch"
    )
    # P2 has no biometric credential: a reader "match" cannot stand for one
    assert run.reason(at("09:00"), "D-REC", card=card(2), biometric="match") == (
        "biometric_required"
    )
    assert run.reason(at("09:00"), "D-REC", card=card(1), biometric="match") == "granted"


def test_inactive_biometric_does_not_count() -> None:
    data = base()
    person(data, "P1")["credentials"][2]["status"] = "suspended"
    assert Run(data).reason(at("09:00"), "D-REC", card=card(1), biometric="match") == (
        "biometric_required"
    )


def test_pin_and_biometric_are_ignored_where_the_door_does_not_ask() -> None:
    run = Run()
    assert run.reason(at("09:00"), "D-IN", card=card(1), pin="0000", biometric="no_match") == (
        "granted"
    )


def test_out_swipes_skip_the_second_factor() -> None:
    run = Run()
    run.swipe(at("09:00"), "D-REC", card=card(1), biometric="match")
    assert run.reason(at("09:10"), "D-REC", card=card(1), direction="out") == "granted"
    assert run.state.location("P1") == "lobby"


# --- steps 5-8: levels, schedules, vetting -------------------------------------------------


def test_no_access() -> None:
    decision = Run().swipe(at("09:00"), "D-CUP", card=card(1, facility=2))
    assert (decision.reason, decision.person) == ("no_access", "DAY")


def test_schedule_boundaries_inclusive_start_exclusive_end() -> None:
    run = Run()
    day = card(1, facility=2)
    assert run.reason(at("06:59:59"), "D-IN", card=day) == "outside_schedule"
    assert run.reason(at("07:00"), "D-IN", card=day) == "granted"
    assert run.reason(at("19:59:59"), "D-OFFICE", card=day) == "granted"
    run.swipe(at("19:59:59"), "D-OFFICE", card=day, direction="out")
    assert run.reason(at("20:00"), "D-CUP", card=day) == "no_access"
    assert run.reason(at("20:00"), "D-IN", card=day, direction="out") == "granted"
    assert run.reason(at("20:00"), "D-IN", card=day) == "outside_schedule"


def test_midnight_24_00_window_covers_23_59() -> None:
    assert Run().reason(at("23:59:59"), "D-IN", card=card(1)) == "granted"


def test_weekend_is_outside_a_weekday_schedule() -> None:
    assert Run().reason(at("10:00", SAT), "D-IN", card=card(1, facility=2)) == "outside_schedule"


def test_holiday_closes_a_closed_schedule() -> None:
    decision = Run().swipe(at("10:00", XMAS), "D-IN", card=card(1, facility=2))
    assert (decision.decision, decision.reason) == ("deny", "holiday")


def test_holiday_outside_the_windows_is_outside_schedule() -> None:
    assert Run().reason(at("21:00", XMAS), "D-IN", card=card(1, facility=2)) == ("outside_schedule")


def test_open_schedule_ignores_holidays() -> None:
    data = base()
    person(data, "DAY")["access_levels"] = ["day", "evening"]
    run = Run(data)
    # office (closed on holidays) and late (open) both cover 19:30: late admits
    assert run.reason(at("19:30", XMAS), "D-OFFICE", card=card(1, facility=2)) == "granted"
    # at 10:00 only office would be active, and the holiday closes it
    assert run.reason(at("10:00", XMAS), "D-OFFICE", card=card(1, facility=2)) == "holiday"


def test_levels_of_the_role_and_the_person_combine() -> None:
    data = base()
    person(data, "DAY")["role"] = "boss"
    assert Run(data).reason(at("03:00"), "D-CUP", card=card(1, facility=2)) == "granted"


def test_vetting_required_when_not_cleared() -> None:
    data = base()
    person(data, "P1")["vetting"] = {"status": "pending"}
    run = Run(data)
    assert run.reason(at("09:00"), "D-CUP", card=card(1)) == "granted"  # no vetting needed
    run.swipe(at("09:01"), "D-CUP", card=card(1), direction="out")
    decision = run.swipe(at("09:02"), "D-REC", card=card(1), biometric="match")
    assert (decision.reason, decision.person) == ("vetting_required", "P1")


def test_person_without_vetting_is_not_cleared() -> None:
    data = base()
    del person(data, "P1")["vetting"]
    assert Run(data).reason(at("09:00"), "D-REC", card=card(1), biometric="match") == (
        "vetting_required"
    )


@pytest.mark.parametrize("finding", ["identity_theft", "fraud", "violent_crime"])
def test_disqualifying_finding_overrides_cleared(finding: str) -> None:
    data = base()
    person(data, "P1")["vetting"] = {"status": "cleared", "findings": [finding]}
    assert Run(data).reason(at("09:00"), "D-REC", card=card(1), biometric="match") == (
        "vetting_required"
    )


def test_other_finding_does_not_disqualify() -> None:
    data = base()
    person(data, "P1")["vetting"] = {"status": "cleared", "findings": ["other"]}
    assert Run(data).reason(at("09:00"), "D-REC", card=card(1), biometric="match") == "granted"


def test_vetting_expires_at_local_midnight_of_the_expiry_date() -> None:
    data = base()
    person(data, "P1")["vetting"] = {"status": "cleared", "expires": "2026-07-01"}
    bio = {"card": card(1), "biometric": "match"}
    # 2026-07-01 00:00 BST is 2026-06-30 23:00 UTC
    assert Run(data).reason("2026-06-30T23:59:59", "D-REC", **bio) == "granted"
    assert Run(data).reason("2026-06-30T22:59:59Z", "D-REC", **bio) == "granted"
    assert Run(data).reason("2026-06-30T23:00:00Z", "D-REC", **bio) == "vetting_required"
    assert Run(data).reason("2026-07-01T00:00", "D-REC", **bio) == "vetting_required"


def test_vetting_expiry_in_winter() -> None:
    data = base()
    person(data, "P1")["vetting"] = {"status": "cleared", "expires": "2026-12-02"}
    run = Run(data)
    assert run.reason("2026-12-01T23:59:59", "D-REC", card=card(1), biometric="match") == (
        "granted"
    )
    run.swipe("2026-12-01T23:59:59", "D-REC", card=card(1), direction="out")
    assert run.reason("2026-12-02T00:00:00", "D-REC", card=card(1), biometric="match") == (
        "vetting_required"
    )


def test_out_swipes_skip_levels_schedules_and_vetting() -> None:
    data = base()
    run = Run(data)
    day = card(1, facility=2)
    run.swipe(at("19:00"), "D-IN", card=day)
    # leaving after hours, through a door into a zone they have no level for
    assert run.reason(at("23:00"), "D-IN", card=day, direction="out") == "granted"
    assert run.reason(at("23:00"), "D-CUP", card=day, direction="out") == "granted"


def test_checks_come_in_order() -> None:
    data = base()
    person(data, "P1")["status"] = "suspended"
    person(data, "P1")["credentials"][0]["status"] = "lost"
    assert Run(data).reason(at("09:00"), "D-LOCKED", card=card(1)) == "door_locked"
    assert Run(data).reason(at("09:00"), "D-VAULT", card=card(1)) == "credential_inactive"
    person(data, "P1")["credentials"][0]["status"] = "active"
    assert Run(data).reason(at("09:00"), "D-VAULT", card=card(1)) == "person_inactive"
    day = card(1, facility=2)
    # second factor comes before levels: DAY has no vault level, yet is asked for a PIN
    assert Run().reason(at("09:00"), "D-VAULT", card=day) == "pin_required"
    # levels before schedules, schedules before vetting
    assert Run().reason(at("23:00"), "D-CUP", card=day) == "no_access"
    zone_data = base()
    zone(zone_data, "office")["requires_vetting"] = True
    assert Run(zone_data).reason(at("23:00"), "D-OFFICE", card=day) == "outside_schedule"
    assert Run(zone_data).reason(at("10:00"), "D-OFFICE", card=day) == "vetting_required"


# --- coverage of the vocabulary ------------------------------------------------------------


def test_every_reason_code_is_exercised_here() -> None:
    here = Path(__file__).parent
    source = "".join(
        (here / name).read_text(encoding="utf-8")
        for name in ("test_decisions.py", "test_decisions_state.py")
    )
    missing = [reason for reason in REASONS if f'"{reason}"' not in source]
    assert not missing
