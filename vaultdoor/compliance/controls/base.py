"""What every control has: its tip, how it is evaluated, and the shape of its result.

A control reads current state with a few aggregate queries (never a Python loop over people)
and returns a `Result`: a status, a score, one sentence with the numbers, and the evidence an
auditor can follow into the console.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from vaultdoor.facilities.models import Site

__all__ = ["FAIL", "NOT_MEASURED", "PASS", "STATUSES", "WARN", "Control", "Evidence", "Result",
           "percent", "share"]

PASS, WARN, FAIL, NOT_MEASURED = "pass", "warn", "fail", "not_measured"
STATUSES = (PASS, WARN, FAIL, NOT_MEASURED)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact behind a score: what it is, its value, and the console page that shows it."""

    label: str
    value: Any
    url_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        from django.urls import reverse

        return {"label": self.label, "value": self.value, "url_name": self.url_name or None,
                "url": reverse(self.url_name) if self.url_name else None}


@dataclass(frozen=True, slots=True)
class Result:
    """A control's verdict: `score` is 0-100, or None when the control is not measured."""

    status: str
    score: int | None
    summary: str
    evidence: list[Evidence] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status == NOT_MEASURED:
            if self.score is not None:
                raise ValueError("a control that is not measured has no score")
        elif self.score is None or not 0 <= self.score <= 100:
            raise ValueError(f"score must be 0-100, got {self.score!r}")


class Control:
    """One tip of the article as something measured. Subclasses set the class attributes and
    implement `evaluate`; `site` limits the controls that are about a building to that site
    (the others are about the whole organisation and ignore it)."""

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    tip: ClassVar[str] = ""  # the article's words, quoted short
    per_site: ClassVar[bool] = False

    def evaluate(self, site: Site | None = None) -> Result:
        raise NotImplementedError


def share(part: int, whole: int) -> float:
    """part / whole, 0 for an empty whole."""
    return part / whole if whole else 0.0


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage for a sentence: '73 %' ('0 %' of nothing)."""
    return f"{round(100 * share(part, whole))} %"
