"""Calendar arithmetic: months to a rescreen, business days of a waiting period."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultdoor.vetting.services.dates import add_business_days, add_months


def test_add_months_clamps_to_the_months_end():
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 3, 1), 36) == dt.date(2029, 3, 1)
    assert add_months(dt.date(9998, 6, 1), 36) == dt.date.max


@settings(deadline=None)  # a shared, loaded machine: no timing in tests
@given(st.dates(max_value=dt.date(9000, 1, 1)), st.integers(min_value=0, max_value=30),
       st.sets(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
               max_size=20))
def test_business_days_land_on_a_business_day_after_exactly_n(day, count, holidays):
    end = add_business_days(day, count, holidays)
    between = [day + dt.timedelta(days=i) for i in range(1, (end - day).days + 1)]
    business = [d for d in between if d.weekday() < 5 and d not in holidays]
    assert len(business) == count
    if count:
        assert end.weekday() < 5 and end not in holidays
    else:
        assert end == day


@settings(deadline=None)
@given(st.dates(max_value=dt.date(9000, 1, 1)), st.integers(min_value=-120, max_value=120))
@example(dt.date(6, 1, 1), -61)  # found by hypothesis in CI: clamps to the first date
def test_add_months_moves_by_whole_months(day, months):
    moved = add_months(day, months)
    target_year = (day.year * 12 + day.month - 1 + months) // 12
    if target_year < dt.MINYEAR:  # before the calendar begins: the earliest date, no error
        assert moved == dt.date.min
        return
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day
