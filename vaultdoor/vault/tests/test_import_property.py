"""Hypothesis: any text in the free fields survives the CSV import (quotes, commas, new lines,
any Unicode), and the error report never repeats a value."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.vault.models import Customer
from vaultdoor.vault.services.importer import COLUMNS, ImportFailed, count_rows, import_customers
from vaultdoor.vault.services.records import decrypt_customer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 2)
# text csv and the database can carry: no NUL (PostgreSQL text refuses it), no lone surrogates
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
                max_size=60)
_NAME = _TEXT.filter(lambda t: t.strip())


def _order(d: dict[str, str]) -> tuple[str, str, str]:
    return d["name"], d["postal_address"], d["notes"]


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)  # "\r\n", as spreadsheets write
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(_NAME, _TEXT, _TEXT), min_size=1, max_size=4))
def test_free_text_round_trips_through_the_import(queue, people):
    Customer.objects.all().delete()
    rows = [{"queue": queue.code, "name": name, "postal_address": address, "notes": notes}
            for name, address, notes in people]
    text = _csv(rows)
    assert count_rows(text) == len(rows)
    result = import_customers(text, actor="test", today=TODAY)
    assert result.imported == len(rows)
    stored = sorted((decrypt_customer(c, ["name", "postal_address", "notes"])
                     for c in Customer.objects.all()), key=_order)
    expected = sorted(({"name": n.strip(), "postal_address": a.strip(), "notes": t.strip()}
                       for n, a, t in people), key=_order)
    # values are kept as typed, trimmed; whitespace inside is the customer's own
    assert stored == expected


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(alphabet="0123456789 -", min_size=13, max_size=22),
       _TEXT.filter(lambda t: "@" not in t and len(t.strip()) > 3))
def test_the_error_report_never_repeats_a_value(queue, card, email):
    text = _csv([{"queue": queue.code, "name": "Pat Example", "email": email,
                  "card_number": card, "card_expiry": "01/20"}])
    with pytest.raises(ImportFailed) as failed:
        import_customers(text, actor="test", today=TODAY)
    report = "\n".join(str(error) for error in failed.value.errors)
    assert email.strip() not in report
    digits = "".join(ch for ch in card if ch.isdigit())
    assert len(digits) < 6 or digits not in report.replace(" ", "")


@settings(max_examples=100, deadline=None)
@given(st.permutations(COLUMNS), st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=3))
def test_a_column_named_twice_is_an_error_not_a_silent_overwrite(order, again) -> None:
    from vaultdoor.vault.services.importer import _rows

    header = [*order, *again]
    _, errors = _rows(",".join(header) + "\r\n" + ",".join("x" * len(header)) + "\r\n")
    assert {(e.line, e.column, e.message) for e in errors} == {
        (1, column, "column appears more than once") for column in again}
