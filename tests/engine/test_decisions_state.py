"""Decisions that read and change state: anti-passback, occupancy, two-person, keypads, time."""

from __future__ import annotations

from tests.engine.sites import Run, base, card, person, zone

TUE = "2026-12-01"  # a Tuesday


def at(time: str, day: str = TUE) -> str:
    return f"{day}T{time}"


# --- step 9: anti-passback ---------------------------------------------------------------


def test_hard_anti_passback_both_directions() -> None:
    run = Run()
    # leaving a zone where the person is not
    assert run.reason(at("09:00"), "D-VAULT", card=card(1), direction="out") == "anti_passback"
    run.swipe(at("09:01:00"), "D-VAULT", card=card(1), pin="1111")
    assert run.reason(at("09:01:05"), "D-VAULT", card=card(2), pin="2222") == "granted"
    # entering a zone where the person already is
    assert run.reason(at("09:03"), "D-VAULT", card=card(2), pin="2222") == "anti_passback"
    assert run.reason(at("09:04"), "D-VAULT", card=card(2), direction="out") == "granted"
    assert run.state.location("P2") == "lobby"


def test_soft_anti_passback_warns_and_grants_both_directions() -> None:
    run = Run()
    run.swipe(at("09:00"), "D-OFFICE", card=card(1))
    again = run.swipe(at("09:01"), "D-OFFICE", card=card(1))
    assert (again.decision, again.reason, again.warnings) == (
        "grant",
        "granted",
        ("anti_passback",),
    )
    run.swipe(at("09:02"), "D-OFFICE", card=card(1), direction="out")
    out = run.swipe(at("09:03"), "D-OFFICE", card=card(1), direction="out")
    assert (out.decision, out.warnings) == ("grant", ("anti_passback",))
    assert run.state.location("P1") == "lobby"


def test_soft_anti_passback_warning_stays_on_a_later_deny() -> None:
    data = base()
    zone(data, "cupboard")["anti_passback"] = "soft"
    zone(data, "cupboard")["max_occupancy"] = 1
    run = Run(data)
    run.swipe(at("09:00"), "D-CUP", card=card(1))
    # P2 leaves the cupboard without having entered (warning), which still grants
    assert run.swipe(at("09:01"), "D-CUP", card=card(2), direction="out").warnings == (
        "anti_passback",
    )
    # P1 re-enters (warning) and is alone inside: not full, since the presenter is not counted
    assert run.swipe(at("09:02"), "D-CUP", card=card(1)).reason == "granted"


def test_anti_passback_looks_only_at_this_doors_zone() -> None:
    run = Run()
    run.swipe(at("09:00"), "D-OFFICE", card=card(1))
    # in the office, not the lobby: entering the vault from 'lobby' is not checked for origin
    assert run.reason(at("09:01"), "D-VAULT", card=card(1), pin="1111") == (
        "awaiting_second_person"
    )


# --- step 10: occupancy --------------------------------------------------------------------


def test_occupancy_full() -> None:
    run = Run()
    assert run.reason(at("09:00"), "D-CUP", card=card(1)) == "granted"
    decision = run.swipe(at("09:01"), "D-CUP", card=card(2))
    assert (decision.decision, decision.reason, decision.person) == (
        "deny",
        "occupancy_full",
        "P2",
    )
    run.swipe(at("09:02"), "D-CUP", card=card(1), direction="out")
    assert run.reason(at("09:03"), "D-CUP", card=card(2)) == "granted"


def test_occupancy_does_not_count_the_presenter() -> None:
    run = Run()
    run.swipe(at("09:00"), "D-CUP", card=card(1))
    # anti-passback is none on the cupboard: P1 entering again is alone inside
    assert run.reason(at("09:01"), "D-CUP", card=card(1)) == "granted"
    assert run.state.occupancy("cupboard") == 1


def test_occupancy_does_not_apply_on_the_way_out() -> None:
    run = Run()
    run.swipe(at("09:00"), "D-CUP", card=card(1))
    assert run.reason(at("09:01"), "D-CUP", card=card(2), direction="out") == "granted"


# --- step 11: two-person rule --------------------------------------------------------------


def _vault(run: Run, time: str, number: int, pin: str | None = None) -> dict[str, object]:
    pins = {1: "1111", 2: "2222", 4: "4444"}
    if number == 3:
        return run.swipe(
            at(time), "D-VAULT", card=card(300000, 1000, "h10304"), pin=pin or "3333"
        ).to_dict()
    return run.swipe(at(time), "D-VAULT", card=card(number), pin=pin or pins[number]).to_dict()


def test_two_person_entry() -> None:
    run = Run()
    first = _vault(run, "09:00:00", 1)
    assert (first["decision"], first["reason"], first["person"]) == (
        "pending",
        "awaiting_second_person",
        "P1",
    )
    assert "companions" not in first
    assert run.state.location("P1") == "outside"  # waiting is not entering
    second = _vault(run, "09:00:05", 2)
    assert second == {
        "decision": "grant",
        "reason": "granted",
        "person": "P2",
        "door": "D-VAULT",
        "zone": "vault",
        "warnings": [],
        "companions": ["P1"],
    }
    assert run.state.location("P1") == run.state.location("P2") == "vault"
    assert run.state.pending("D-VAULT") is None


def test_two_person_window_is_inclusive() -> None:
    run = Run()
    _vault(run, "09:00:00", 1)
    assert _vault(run, "09:00:10", 2)["reason"] == "granted"


def test_two_person_lapse_makes_the_new_presenter_pending() -> None:
    run = Run()
    _vault(run, "09:00:00", 1)
    late = _vault(run, "09:00:11", 2)
    assert (late["decision"], late["person"]) == ("pending", "P2")
    assert run.state.location("P1") == "outside"
    pending = run.state.pending("D-VAULT")
    assert pending is not None and pending.person_id == "P2"
    assert _vault(run, "09:00:15", 1)["companions"] == ["P2"]


def test_two_person_same_person_restarts_the_wait() -> None:
    run = Run()
    _vault(run, "09:00:00", 1)
    assert _vault(run, "09:00:08", 1)["decision"] == "pending"
    # 15 s after the first presentation but 7 s after the restart
    assert _vault(run, "09:00:15", 2)["companions"] == ["P1"]


def test_two_person_denied_presentation_neither_completes_nor_cancels() -> None:
    run = Run()
    _vault(run, "09:00:00", 1)
    assert _vault(run, "09:00:02", 2, pin="0000")["reason"] == "wrong_pin"
    pending = run.state.pending("D-VAULT")
    assert pending is not None and pending.person_id == "P1"
    assert _vault(run, "09:00:04", 3)["companions"] == ["P1"]


def test_two_person_second_needs_room_for_both() -> None:
    run = Run()
    _vault(run, "09:00:00", 1)
    _vault(run, "09:00:01", 2)  # P1 and P2 inside: 2 of 3
    _vault(run, "09:01:00", 3)  # P3 pending
    full = _vault(run, "09:01:02", 4)
    assert (full["decision"], full["reason"], full["person"]) == (
        "deny",
        "occupancy_full",
        "P4",
    )
    pending = run.state.pending("D-VAULT")
    assert pending is not None and pending.person_id == "P3"  # the first keeps waiting
    run.swipe(at("09:01:03"), "D-VAULT", card=card(1), direction="out")
    assert _vault(run, "09:01:04", 4)["companions"] == ["P3"]


def test_two_person_first_needs_room_for_one() -> None:
    data = base()
    zone(data, "vault")["max_occupancy"] = 2
    run = Run(data)
    _vault(run, "09:00:00", 1)
    _vault(run, "09:00:01", 2)
    assert _vault(run, "09:01:00", 3)["reason"] == "occupancy_full"
    assert run.state.pending("D-VAULT") is None


def test_two_person_out_is_a_plain_exit() -> None:
    run = Run()
    _vault(run, "09:00:00", 1)
    _vault(run, "09:00:01", 2)
    out = run.swipe(at("09:05"), "D-VAULT", card=card(1), direction="out")
    assert (out.decision, out.reason, out.companions) == ("grant", "granted", None)


def test_two_person_pending_is_per_door() -> None:
    data = base()
    data["doors"].append(
        {
            "id": "D-VAULT-2",
            "name": "Vault 2",
            "from": "lobby",
            "to": "vault",
            "mode": "card_and_pin",
        }
    )
    run = Run(data)
    _vault(run, "09:00:00", 1)
    other = run.swipe(at("09:00:01"), "D-VAULT-2", card=card(2), pin="2222")
    assert other.decision == "pending"


# --- keypad doors ----------------------------------------------------------------------------


def test_keypad_pin_identifies_the_person() -> None:
    decision = Run().swipe(at("09:00"), "D-KEY", pin="2222")
    assert (decision.reason, decision.person) == ("granted", "P2")


def test_keypad_ignores_card_states() -> None:
    data = base()
    person(data, "P1")["credentials"][0]["status"] = "lost"
    assert Run(data).reason(at("09:00"), "D-KEY", pin="1111") == "granted"


def test_keypad_without_or_with_unknown_pin() -> None:
    run = Run()
    for fields in ({}, {"pin": "9999"}, {"card": card(1)}):
        decision = run.swipe(at("09:00"), "D-KEY", **fields)
        assert (decision.reason, decision.person) == ("unknown_credential", None)


def test_keypad_still_checks_the_person() -> None:
    data = base()
    person(data, "P1")["status"] = "terminated"
    assert Run(data).reason(at("09:00"), "D-KEY", pin="1111") == "person_inactive"


# --- step 12 and state ---------------------------------------------------------------------


def test_grants_move_people() -> None:
    run = Run()
    run.swipe(at("09:00"), "D-IN", card=card(1))
    run.swipe(at("09:01"), "D-OFFICE", card=card(1))
    assert run.state.location("P1") == "office"
    run.swipe(at("09:02"), "D-OFFICE", card=card(1), direction="out")
    assert run.state.location("P1") == "lobby"
    run.swipe(at("09:03"), "D-IN", card=card(1), direction="out")
    assert run.state.location("P1") == "outside"


def test_denials_move_nobody() -> None:
    run = Run()
    run.swipe(at("23:00"), "D-IN", card=card(1, facility=2))
    assert run.state.location("DAY") == "outside"


# --- time ----------------------------------------------------------------------------------


def _dst_site(start: str, end: str) -> dict[str, object]:
    data = base()
    data["schedules"].append(
        {"id": "early", "windows": [{"days": ["sun"], "from": start, "to": end}]}
    )
    data["access_levels"].append({"id": "early", "zones": ["lobby"], "schedule": "early"})
    person(data, "DAY")["access_levels"] = ["early"]
    return data


def test_nonexistent_local_time_reads_with_the_offset_before_the_change() -> None:
    # London, 2026-03-29: 01:00 GMT becomes 02:00 BST, so 01:30 does not exist; read with
    # the GMT offset it is 01:30 UTC, which the site's clocks show as 02:30
    day = card(1, facility=2)
    assert Run(_dst_site("02:00", "03:00")).reason("2026-03-29T01:30", "D-IN", card=day) == (
        "granted"
    )
    assert Run(_dst_site("01:00", "02:00")).reason("2026-03-29T01:30", "D-IN", card=day) == (
        "outside_schedule"
    )


def test_ambiguous_local_time_means_the_first_occurrence() -> None:
    data = base()
    person(data, "P1")["credentials"][0]["valid_until"] = "2026-10-25T01:30:00+00:00"
    run = Run(data)
    # 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT); the first one counts
    assert run.reason("2026-10-25T01:30", "D-IN", card=card(1)) == "granted"
    assert run.reason("2026-10-25T01:30:00+00:00", "D-CUP", card=card(1)) == ("credential_expired")


def test_offsets_are_converted_to_site_local_for_schedules() -> None:
    run = Run()
    # 06:30 UTC is 07:30 in Paris-time terms but London is on GMT: 06:30 local, before 07:00
    assert run.reason("2026-12-01T07:30:00+01:00", "D-IN", card=card(1, facility=2)) == (
        "outside_schedule"
    )
    assert run.reason("2026-12-01T07:00:00Z", "D-IN", card=card(1, facility=2)) == "granted"


def test_summer_schedule_uses_local_wall_clock() -> None:
    run = Run()
    # 06:30 UTC in July is 07:30 BST: inside office hours
    assert run.reason("2026-07-01T06:30:00Z", "D-IN", card=card(1, facility=2)) == "granted"


def test_two_person_presentation_before_the_pending_one_does_not_complete_it() -> None:
    run = Run()
    _vault(run, "09:00:10", 1)
    early = _vault(run, "09:00:05", 2)  # the reader's clock is behind
    assert (early["decision"], early["person"]) == ("pending", "P2")
