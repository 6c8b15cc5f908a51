"""Swipes: parsing accepts the spec's forms, refuses the rest with SwipeError, and every
parsed swipe gets a decision (never an exception)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.sites import HASHER, snapshot
from vaultdoor.engine import CardRead, MemoryState, RawRead, SwipeError, decide, parse_swipe

SNAPSHOT = snapshot()
DOORS = sorted(SNAPSHOT.doors)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
cards = st.one_of(
    st.fixed_dictionaries(
        {"facility": st.integers(-5, 70000) | json_scalars, "number": st.integers(-5, 600000)},
        optional={"format": st.sampled_from(["h10301", "h10304", "h1"])},
    ),
    st.fixed_dictionaries(
        {
            "bits": st.integers(-1, 40) | json_scalars,
            "data": st.text("0123456789abcdefABCDEFx ", max_size=12),
        }
    ),
    st.dictionaries(st.text(max_size=6), json_scalars, max_size=3),
    json_scalars,
)
swipes = st.fixed_dictionaries(
    {},
    optional={
        "at": st.sampled_from(
            [
                "2026-12-01T08:00",
                "2026-03-29T01:30",
                "2026-10-25T01:30:00+00:00",
                "bad",
                "2026-12-25",
            ]
        )
        | json_scalars,
        "door": st.sampled_from([*DOORS, "D-NONE"]) | json_scalars,
        "direction": st.sampled_from(["in", "out", "sideways"]),
        "card": cards,
        "pin": st.sampled_from(["1111", "2222", "0000", ""]) | json_scalars,
        "biometric": st.sampled_from(["match", "no_match", "maybe"]),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(swipes, min_size=1, max_size=6))
def test_any_swipe_parses_or_is_refused_and_decides(objects: list[dict[str, object]]) -> None:
    state = MemoryState()
    for obj in objects:
        try:
            swipe = parse_swipe(obj, SNAPSHOT)
        except SwipeError as exc:
            assert str(exc)
            continue
        decision = decide(SNAPSHOT, state, swipe, HASHER)
        assert decision.decision in ("grant", "deny", "pending")
        assert decision.zone == SNAPSHOT.doors[swipe.door].to_zone.id


def test_parsed_forms() -> None:
    card = parse_swipe(
        {"at": "2026-12-01T08:00", "door": "D-IN", "card": {"facility": 1, "number": 2}}, SNAPSHOT
    )
    assert card.card == CardRead("h10301", 1, 2)
    assert card.direction == "in"
    assert card.at == dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    raw = parse_swipe(
        {"at": "2026-12-01T08:00", "door": "D-IN", "card": {"bits": 26, "data": "00"}}, SNAPSHOT
    )
    assert raw.card == RawRead(26, "00")
    keypad = parse_swipe({"at": "2026-12-01T08:00", "door": "D-KEY", "pin": "0421"}, SNAPSHOT)
    assert (keypad.pin, keypad.card) == ("0421", None)


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ({"at": "2026-12-01T08:00", "door": "X"}, "door"),
        ({"door": "D-IN"}, "at"),
        ({"at": "2026-12-01T08:00", "door": "D-IN", "direction": "up"}, "direction"),
        ({"at": "2026-12-01T08:00", "door": "D-IN", "pin": 1234}, "pin"),
        ({"at": "2026-12-01T08:00", "door": "D-IN", "biometric": True}, "biometric"),
        ({"at": "2026-12-01T08:00", "door": "D-IN", "card": []}, "card"),
    ],
)
def test_errors_name_their_field(obj: dict[str, object], field: str) -> None:
    with pytest.raises(SwipeError) as caught:
        parse_swipe(obj, SNAPSHOT)
    assert caught.value.field == field
