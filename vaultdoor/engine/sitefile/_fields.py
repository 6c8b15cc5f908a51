"""The small checks every section of a site file is made of, each recording issues by path.

Each helper returns the checked value, or None after recording why the value is wrong, so a
section can go on and report every problem of the file in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from vaultdoor.engine import timeutil
from vaultdoor.engine.sitefile._issues import Issue

__all__ = ["ID_PATTERN", "Checker", "IdRegistry"]

ID_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
# What the database keeps (a site file that validates must import): ids and names up to these
# lengths, whole numbers in a signed 32-bit column.
MAX_ID_LENGTH = 100
MAX_TEXT_LENGTH = 200
MAX_INTEGER = 2_147_483_647
_MISSING: Any = object()


def _kind(value: object) -> str:
    """How a YAML value would be described to the person who wrote it."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


class Checker:
    """Collects `Issue`s while reading a YAML document into typed values."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    # --- structure -------------------------------------------------------------------------

    def fields(
        self,
        value: object,
        path: str,
        *,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
    ) -> dict[str, Any] | None:
        """The known keys of a mapping; unknown keys and missing required ones are issues."""
        if not isinstance(value, Mapping):
            self.error(path, f"must be a mapping of keys and values, not {_kind(value)}")
            return None
        known = (*required, *optional)
        result: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and key in known:
                result[key] = item
                continue
            shown = key if isinstance(key, str) else repr(key)
            suggestion = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            if suggestion:
                hint = f"did you mean {suggestion[0]!r}?"
            else:
                hint = "known keys: " + ", ".join(known)
            self.error(f"{path}.{shown}" if path else str(shown), f"unknown key; {hint}")
        for key in required:
            if key not in result:
                self.error(f"{path}.{key}" if path else key, "is required")
        return result

    def items(self, value: object, path: str) -> Iterator[tuple[str, Any]]:
        """(path, item) for each element of a list."""
        if not isinstance(value, list):
            self.error(path, f"must be a list, not {_kind(value)}")
            return
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item

    def list_of(self, value: object, path: str) -> list[tuple[str, Any]]:
        return list(self.items(value, path))

    # --- scalars ---------------------------------------------------------------------------

    def text(self, value: object, path: str) -> str | None:
        if isinstance(value, str) and value.strip():
            if len(value) > MAX_TEXT_LENGTH:
                self.error(path, f"must be at most {MAX_TEXT_LENGTH} characters "
                                 f"(it has {len(value)})")
                return None
            return value
        if isinstance(value, str):
            self.error(path, "must not be empty")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.error(path, f"must be a quoted string, not {_kind(value)}")
        else:
            self.error(path, f"must be a string, not {_kind(value)}")
        return None

    def ident(self, value: object, path: str) -> str | None:
        """An id: letters, digits, `-`, `_`, `.`; a YAML integer reads as its decimal digits."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # "-1" is a valid id too
        if not isinstance(value, str):
            self.error(
                path,
                f"must be an id (letters, digits, -, _ and .), not {_kind(value)}; quote it",
            )
            return None
        if not ID_PATTERN.fullmatch(value):
            self.error(path, f"{value!r} is not an id: use only ASCII letters, digits, -, _ and .")
            return None
        if len(value) > MAX_ID_LENGTH:
            self.error(path, f"an id must be at most {MAX_ID_LENGTH} characters "
                             f"(it has {len(value)})")
            return None
        return value

    def choice(self, value: object, path: str, choices: Iterable[str]) -> str | None:
        options = tuple(choices)
        if isinstance(value, str) and value in options:
            return value
        suggestion = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
        hint = f" (did you mean {suggestion[0]!r}?)" if suggestion else ""
        self.error(path, f"must be one of {', '.join(options)}, not {value!r}{hint}")
        return None

    def flag(self, value: object, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.error(path, f"must be true or false, not {_kind(value)}")
        return None

    def integer(
        self, value: object, path: str, *, low: int | None = None, high: int | None = None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                self.error(path, f"must be a whole number without a decimal point ({value})")
            else:
                self.error(path, f"must be a whole number, not {_kind(value)}")
            return None
        if high is None and value > MAX_INTEGER:
            self.error(path, f"must be at most {MAX_INTEGER}")
            return None
        if low is None and value < -MAX_INTEGER:
            self.error(path, f"must be at least {-MAX_INTEGER}")
            return None
        if low is not None and high is not None and not low <= value <= high:
            self.error(path, f"must be between {low} and {high}")
            return None
        if low is not None and value < low:
            self.error(path, "must be positive" if low == 1 else f"must be at least {low}")
            return None
        return value

    def date(self, value: object, path: str) -> dt.date | None:
        try:
            return timeutil.parse_date(value)
        except timeutil.BadTime as exc:
            self.error(path, str(exc))
            return None

    def instant(self, value: object, path: str, tz: dt.tzinfo) -> dt.datetime | None:
        try:
            return timeutil.parse_instant(value, tz)
        except timeutil.BadTime as exc:
            self.error(path, str(exc))
            return None

    def clock(self, value: object, path: str, *, allow_24: bool = False) -> int | None:
        try:
            return timeutil.parse_clock(value, allow_24=allow_24)
        except timeutil.BadTime as exc:
            self.error(path, str(exc))
            return None


class IdRegistry:
    """The ids declared in one list, to catch duplicates and check references."""

    def __init__(self, checker: Checker, kind: str) -> None:
        self._checker = checker
        self.kind = kind
        self.where: dict[str, str] = {}

    def declare(self, ident: str | None, path: str) -> bool:
        """Record `ident`; False (with an issue) when it was declared before."""
        if ident is None:
            return False
        first = self.where.get(ident)
        if first is not None:
            self._checker.error(path, f"duplicate id {ident!r} (first declared at {first})")
            return False
        self.where[ident] = path
        return True

    def refer(self, value: object, path: str) -> str | None:
        """A reference to an id of this list, or None after an issue."""
        ident = self._checker.ident(value, path)
        if ident is None:
            return None
        if ident not in self.where:
            known = sorted(self.where)
            suggestion = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
            hint = f"; did you mean {suggestion[0]!r}?" if suggestion else ""
            self._checker.error(path, f"unknown {self.kind} {ident!r}{hint}")
            return None
        return ident
