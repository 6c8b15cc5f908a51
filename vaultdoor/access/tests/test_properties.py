"""Property tests: schedule windows and CLI card arguments round-trip; any edit of the people
list imports and un-imports cleanly."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.access.services.windows import window_from_json, window_to_json
from vaultdoor.cli._access_check import build_swipe
from vaultdoor.engine.model import Window

windows = st.builds(
    lambda days, a, b: Window(days=frozenset(days), start=min(a, b), end=max(a, b) + 1),
    st.sets(st.integers(0, 6), min_size=1),
    st.integers(0, 1439),
    st.integers(0, 1439),
)


@given(windows)
def test_windows_round_trip_through_their_stored_form(window):
    stored = window_to_json(window)
    assert window_from_json(stored) == window
    assert stored["from"] < stored["to"] or stored["to"] == "24:00"


@given(st.integers(0, 65535), st.integers(0, 524287), st.sampled_from(["h10301", "h10304"]))
def test_card_arguments_become_the_swipe_card(facility, number, fmt):
    swipe = build_swipe(door="D", card=f"{facility}:{number}", card_format=fmt, raw=None,
                        pin=None, biometric=None, direction="in", at="2026-12-01T08:00")
    assert swipe["card"] == {"format": fmt, "facility": facility, "number": number}


@pytest.mark.django_db
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dropped=st.sets(st.integers(0, 6)))
def test_dropping_people_deactivates_them_and_restoring_reactivates(example_text, dropped):
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.people.models import Person

    import_site_text(example_text, actor="test")
    data = yaml.safe_load(example_text)
    gone = {data["people"][i]["id"] for i in dropped}
    data["people"] = [p for p in data["people"] if p["id"] not in gone]
    report = import_site_text(yaml.safe_dump(data), actor="test")
    assert report.counts["people"].deactivated == len(gone)
    assert set(Person.objects.filter(active=False).values_list("code", flat=True)) == gone
    back = import_site_text(example_text, actor="test")
    assert back.counts["people"].reactivated == len(gone)
    assert not Person.objects.filter(active=False).exists()
    assert not import_site_text(example_text, actor="test").changed
