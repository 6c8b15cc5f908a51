"""Checking a password against a profile: the verdict, the reasons and zxcvbn's feedback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .profiles import PasswordProfile, get_profile
from .rules import Candidate, Problem, estimate

__all__ = ["PasswordReport", "evaluate_password"]


@dataclass(frozen=True)
class PasswordReport:
    """The verdict on one password under one profile."""

    profile: str
    problems: list[Problem]
    strength: dict[str, Any]
    policy: list[str] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The JSON `vaultdoor password check` prints (never the password itself)."""
        return {
            "acceptable": self.acceptable,
            "profile": self.profile,
            "reasons": [{"code": p.code, "message": p.message} for p in self.problems],
            "strength": self.strength,
            "policy": self.policy,
        }


def evaluate_password(
    password: str,
    *,
    profile: PasswordProfile | str | None = None,
    names: Sequence[str] = (),
    has_second_factor: bool = False,
    was_used: Callable[[str, int], bool] | None = None,
) -> PasswordReport:
    """Run every rule of the profile (all problems at once) and estimate the strength."""
    chosen = profile if isinstance(profile, PasswordProfile) else get_profile(profile)
    candidate = Candidate(password, tuple(n for n in names if n), has_second_factor, was_used)
    problems: list[Problem] = []
    for rule in chosen.rules:
        problems.extend(rule.check(candidate))
    return PasswordReport(
        profile=chosen.name,
        problems=problems,
        strength=estimate(password, candidate.names),
        policy=chosen.plain_words(has_second_factor=has_second_factor),
    )
