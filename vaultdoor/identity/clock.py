"""The identity app's clock, injectable so lockout, throttling and sessions test without
sleeping: every time-dependent decision asks `now()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils import timezone

__all__ = ["FakeClock", "now", "use_clock"]

_source: Callable[[], dt.datetime] = timezone.now


def now() -> dt.datetime:
    """The current time (aware, UTC) from the active clock."""
    return _source()


class FakeClock:
    """A clock that stands still until told to move: `clock.advance(minutes=31)`."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.current = start or dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


@contextmanager
def use_clock(source: Callable[[], dt.datetime]) -> Iterator[Callable[[], dt.datetime]]:
    """Make `source` the clock for the duration of the block (tests, benchmarks)."""
    global _source
    previous, _source = _source, source
    try:
        yield source
    finally:
        _source = previous
