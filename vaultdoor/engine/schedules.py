"""When a schedule is active: windows compiled into one bit mask of minutes per weekday.

A decision asks "is any of these schedules active at this site-local minute?"; with a mask
that is a shift and an AND, whatever the number of windows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vaultdoor.engine.model import Schedule

__all__ = ["CompiledSchedule", "compile_schedule"]

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class CompiledSchedule:
    """A schedule ready for decisions: per weekday (0 = Monday) a mask of active minutes."""

    id: str
    masks: tuple[int, int, int, int, int, int, int]
    closed_on_holidays: bool

    def in_window(self, weekday: int, minute: int) -> bool:
        """Whether a window covers this weekday and minute, holidays aside."""
        return bool((self.masks[weekday] >> minute) & 1)

    def is_active(self, local: dt.datetime, holidays: frozenset[dt.date]) -> bool:
        """Whether the schedule is active at site-local wall-clock `local`."""
        if not (self.masks[local.weekday()] >> (local.hour * 60 + local.minute)) & 1:
            return False
        return not (self.closed_on_holidays and local.date() in holidays)


def compile_schedule(schedule: Schedule) -> CompiledSchedule:
    """Fold a schedule's windows into per-weekday minute masks."""
    masks = [0] * 7
    for window in schedule.windows:
        # bits start..end-1 set: `from` inclusive, `to` exclusive
        span = ((1 << (window.end - window.start)) - 1) << window.start
        for day in window.days:
            masks[day] |= span
    return CompiledSchedule(
        id=schedule.id,
        masks=(masks[0], masks[1], masks[2], masks[3], masks[4], masks[5], masks[6]),
        closed_on_holidays=schedule.holidays == "closed",
    )
