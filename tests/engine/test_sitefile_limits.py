"""A site file that validates must import: ids, names and whole numbers stay within what the
database keeps (a 10**30 occupancy used to validate, then crash the import with OverflowError)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.engine.sitefile._fields import (
    MAX_ID_LENGTH,
    MAX_INTEGER,
    MAX_TEXT_LENGTH,
    Checker,
)


@given(st.integers())
def test_whole_numbers_fit_a_32_bit_column(value: int) -> None:
    checker = Checker()
    got = checker.integer(value, "zones[0].max_occupancy")
    if -MAX_INTEGER <= value <= MAX_INTEGER:
        assert (got, checker.issues) == (value, [])
    else:
        assert got is None
        assert [i.path for i in checker.issues] == ["zones[0].max_occupancy"]


@given(st.integers(min_value=1, max_value=10**40))
def test_explicit_bounds_still_rule(value: int) -> None:
    checker = Checker()
    got = checker.integer(value, "p.facility", low=0, high=255)
    assert (got == value) == (value <= 255)


@given(st.one_of(st.from_regex(r"\A[A-Za-z0-9._-]{1,300}\Z"), st.integers()))
def test_ids_fit_the_database(value: str | int) -> None:
    checker = Checker()
    got = checker.ident(value, "people[0].id")
    if len(str(value)) <= MAX_ID_LENGTH:
        assert got == str(value) and checker.issues == []
    else:
        assert got is None
        assert "at most 100 characters" in checker.issues[0].message


@given(st.text(min_size=1, max_size=400).filter(str.strip))
def test_names_fit_the_database(value: str) -> None:
    checker = Checker()
    got = checker.text(value, "people[0].name")
    assert (got == value) == (len(value) <= MAX_TEXT_LENGTH)
    assert bool(checker.issues) == (len(value) > MAX_TEXT_LENGTH)
