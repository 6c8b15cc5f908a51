"""Schedule windows between the engine's form (minutes, weekday numbers) and the stored JSON
form (`{"days": ["mon"], "from": "07:00", "to": "24:00"}`, as in the site file)."""

from __future__ import annotations

from typing import Any

from vaultdoor.engine.model import DAYS, Window

__all__ = ["window_from_json", "window_to_json"]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str) -> int:
    hours, _, mins = text.partition(":")
    return int(hours) * 60 + int(mins)


def window_to_json(window: Window) -> dict[str, Any]:
    """The stored form of a window, days in week order."""
    return {
        "days": [DAYS[day] for day in sorted(window.days)],
        "from": _hhmm(window.start),
        "to": _hhmm(window.end),
    }


def window_from_json(data: dict[str, Any]) -> Window:
    """The engine's form of a stored window."""
    return Window(
        days=frozenset(DAYS.index(day) for day in data["days"]),
        start=_minutes(data["from"]),
        end=_minutes(data["to"]),
    )
