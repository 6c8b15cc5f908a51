"""`read_csv` of the background-check import, property-based: what csv.writer writes comes
back cell for cell, and a file cut inside a quoted cell is refused, never half read."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.vetting.services.importer import CheckImportError, read_csv

HEADER = ["person", "provider", "status", "notes"]
cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=20)
rows = st.lists(st.lists(cells, min_size=4, max_size=4), max_size=8)


def write(table: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n": a bare "\r" in a cell is quoted too
    writer.writerow(HEADER)
    writer.writerows(table)
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(rows)
def test_round_trip(table: list[list[str]]) -> None:
    got = read_csv(write(table))
    assert [number for number, _ in got] == list(range(2, 2 + len(table)))
    assert [[values[h] for h in HEADER] for _, values in got] == table


@settings(max_examples=200, deadline=None)
@given(rows, st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='\x00"'),
                     min_size=1, max_size=20), st.data())
def test_cut_inside_a_quoted_cell_is_refused(table: list[list[str]], note: str,
                                            data: st.DataObject) -> None:
    head = write(table) + 'P1,acme,pending,"'
    text = head + note + '"\r\n'
    cut = data.draw(st.integers(len(head), len(head) + len(note)))  # before the closing quote
    with pytest.raises(CheckImportError) as caught:
        read_csv(text[:cut])
    issue = caught.value.issues[0]
    assert "not readable as CSV" in issue.message
    assert issue.row == len(table) + 2  # the row that was cut
