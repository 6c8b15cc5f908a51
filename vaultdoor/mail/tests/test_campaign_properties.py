"""Properties of the campaign encoders: the CSV export round-trips any text and never hands a
spreadsheet a formula; campaign tokens round-trip, and a token of one kind (or altered) is
refused as another; landing page inputs never exceed their limits."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.campaign_report import CSV_COLUMNS, report_csv
from vaultdoor.mail.models import LandingPage
from vaultdoor.mail.tokens import InvalidToken, campaign_token, read_campaign_token

FORMULA = ("=", "+", "-", "@", "\t", "\r")
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def _row(name: str, department: str, error: str) -> dict:
    when = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return {"name": name, "address": "p@lakeside-cs.example", "department": department,
            "role": "agent", "sent_at": when, "opened_at": None, "clicked_at": when,
            "submitted_at": None, "reported_at": None, "scanner_fetches": 2,
            "send_error": error, "training": ""}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cells, cells, cells), max_size=6))
def test_csv_round_trips_and_never_starts_a_formula(rows):
    report = SimpleNamespace(rows=[_row(*r) for r in rows])
    parsed = list(csv.reader(io.StringIO(report_csv(report), newline="")))
    assert tuple(parsed[0]) == CSV_COLUMNS and len(parsed) == len(rows) + 1
    for (name, department, error), line in zip(rows, parsed[1:], strict=True):
        assert len(line) == len(CSV_COLUMNS)
        cell_of = dict(zip(CSV_COLUMNS, line, strict=True))
        for original, cell in ((name, cell_of["name"]), (department, cell_of["department"]),
                               (error, cell_of["send_error"])):
            assert not cell.startswith(FORMULA)
            assert cell == ("'" + original if original.startswith(FORMULA) else original)
        assert cell_of["sent_at"] == "2026-11-02T09:00:00+00:00" and cell_of["opened_at"] == ""


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 2**31), st.integers(1, 2**31), st.sampled_from(["open", "landing"]))
def test_campaign_tokens_round_trip_and_keep_to_their_kind(campaign_id, target_id, kind):
    token = campaign_token(kind, campaign_id, target_id)
    found = read_campaign_token(kind, token)
    assert (found.campaign_id, found.target_id) == (campaign_id, target_id)
    other = "landing" if kind == "open" else "open"
    with pytest.raises(InvalidToken):
        read_campaign_token(other, token)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(InvalidToken):
        read_campaign_token(kind, altered)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=12))
def test_landing_inputs_are_bounded(labels):
    page = LandingPage(name="p", title="t", fields="\n".join(labels))
    inputs = page.inputs()
    assert len(inputs) <= 6
    assert all(0 < len(i["label"]) <= 80 and i["type"] in ("text", "password")
               and "name" not in i for i in inputs)
    assert len({i["id"] for i in inputs}) == len(inputs)
