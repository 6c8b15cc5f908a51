"""Validation problems, each with the path of the value it concerns, reported all at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Issue", "SiteValidationError"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a site file: where (`people[3].credentials[0].facility`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SiteValidationError(ValueError):
    """A site file broke one or more rules of site-format.md; `.issues` lists every one."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        count = len(self.issues)
        first = str(self.issues[0]) if self.issues else "invalid site file"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(first + more)
