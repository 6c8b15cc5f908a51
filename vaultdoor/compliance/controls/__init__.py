"""The controls, in the article's order, and the report that scores them all.

A control is one small module (authentik-style plug-ins): a `Control` subclass with its tip
and `evaluate(site)`. `CONTROLS` is the registry; `evaluate_all` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vaultdoor.facilities.models import Site

from .audit_chain import TamperEvidentLog
from .background_checks import BackgroundChecks
from .base import FAIL, NOT_MEASURED, PASS, STATUSES, WARN, Control, Evidence, Result
from .endpoints import EndpointProtection
from .passwords import StrongPasswords
from .phishing import UnknownLinks
from .phones import DesignatedPhoneAreas
from .swipe_cards import SwipeCards
from .two_factor import TwoFactor
from .vault_door import VaultDoor

__all__ = ["CONTROLS", "FAIL", "NOT_MEASURED", "PASS", "WARN", "Control", "ControlResult",
           "Evidence", "Report", "Result", "evaluate_all"]

CONTROLS: tuple[Control, ...] = (
    VaultDoor(), SwipeCards(), TwoFactor(), StrongPasswords(), BackgroundChecks(),
    UnknownLinks(), DesignatedPhoneAreas(), EndpointProtection(), TamperEvidentLog(),
)


@dataclass(frozen=True, slots=True)
class ControlResult:
    """A control with its result, as the report lists it."""

    control: Control
    result: Result

    def to_dict(self) -> dict[str, Any]:
        c, r = self.control, self.result
        return {"id": c.id, "title": c.title, "tip": c.tip,
                "scope": "site" if c.per_site else "organisation", "status": r.status,
                "score": r.score, "summary": r.summary,
                "evidence": [item.to_dict() for item in r.evidence]}


@dataclass(frozen=True, slots=True)
class Report:
    """Every control's result, the overall score and the count of each status."""

    site: Site | None
    results: list[ControlResult]

    @property
    def score(self) -> int | None:
        """The mean score of the measured controls (None when none is measured)."""
        scores = [item.result.score for item in self.results
                  if item.result.status != NOT_MEASURED]
        return round(sum(scores) / len(scores)) if scores else None

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for item in self.results:
            counts[item.result.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site.code if self.site is not None else None,
                "score": self.score, "counts": self.counts,
                "controls": [item.to_dict() for item in self.results]}


def evaluate_all(site: Site | None = None) -> Report:
    """Evaluate every control now (`site`: only that site's building, for the site controls)."""
    return Report(site, [ControlResult(control, control.evaluate(site)) for control in CONTROLS])
