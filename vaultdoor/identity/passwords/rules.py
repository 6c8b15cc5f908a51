"""Password rules as small plug-ins: each one checks a candidate and says why it fails.

A profile (profiles.py) is a list of rules plus its expiry policy. A rule is a class with a
`describe()` (the rule in plain words, shown to users) and a `check(candidate)` returning the
problems found (empty when it passes), in the style of authentik's policies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from .blocklist import is_blocklisted

__all__ = [
    "Candidate",
    "CharacterClasses",
    "MaximumLength",
    "MinimumLength",
    "NotBlocklisted",
    "NotPersonalName",
    "NotPreviouslyUsed",
    "PasswordRule",
    "Problem",
    "Strength",
]

# Hashing stays cheap enough per attempt; far above the 64 characters the issue asks for.
MAX_LENGTH = 1024


@dataclass(frozen=True)
class Problem:
    """One reason a password is refused: a stable code and a sentence for the user."""

    code: str
    message: str


@dataclass(frozen=True)
class Candidate:
    """A proposed password and what the rules may know about its owner.

    `names` are the owner's own names (username, given and family names, e-mail local part);
    `was_used` answers "is this one of the owner's last `n` passwords?" without the rule
    seeing any hash.
    """

    password: str
    names: tuple[str, ...] = ()
    has_second_factor: bool = False
    was_used: Callable[[str, int], bool] | None = field(default=None, compare=False)


class PasswordRule:
    """One password rule: `check()` returns the problems (empty when the password passes)."""

    code: ClassVar[str] = ""

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        raise NotImplementedError

    def check(self, candidate: Candidate) -> list[Problem]:
        raise NotImplementedError


@dataclass(frozen=True)
class MinimumLength(PasswordRule):
    """At least `length` characters (`with_second_factor` when the owner has one)."""

    length: int
    with_second_factor: int | None = None
    code: ClassVar[str] = "too_short"

    def required(self, has_second_factor: bool) -> int:
        if has_second_factor and self.with_second_factor is not None:
            return self.with_second_factor
        return self.length

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        if self.with_second_factor is None or has_second_factor is not None:
            return f"at least {self.required(bool(has_second_factor))} characters"
        return (f"at least {self.length} characters, or {self.with_second_factor} "
                "for accounts with a second factor")

    def check(self, candidate: Candidate) -> list[Problem]:
        need = self.required(candidate.has_second_factor)
        if len(candidate.password) < need:
            return [Problem(self.code, f"Use at least {need} characters "
                                       f"(this one has {len(candidate.password)}).")]
        return []


@dataclass(frozen=True)
class MaximumLength(PasswordRule):
    """A generous cap that keeps hashing bounded; passwords are never truncated."""

    length: int = MAX_LENGTH
    code: ClassVar[str] = "too_long"

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        return f"up to {self.length} characters (long passphrases are welcome)"

    def check(self, candidate: Candidate) -> list[Problem]:
        if len(candidate.password) > self.length:
            return [Problem(self.code, f"Use at most {self.length} characters.")]
        return []


_CLASSES: dict[str, tuple[str, Callable[[str], bool]]] = {
    "letter": ("a letter", str.isalpha),
    "digit": ("a digit", str.isdigit),
    "special": ("a special character (not a letter, digit or space)",
                lambda c: not c.isalnum() and not c.isspace()),
}


@dataclass(frozen=True)
class CharacterClasses(PasswordRule):
    """Composition: at least one character from each named class (letter, digit, special)."""

    classes: Sequence[str]
    code: ClassVar[str] = "composition"

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        names = [_CLASSES[name][0] for name in self.classes]
        return "at least " + ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]

    def check(self, candidate: Candidate) -> list[Problem]:
        missing = [_CLASSES[name][0] for name in self.classes
                   if not any(_CLASSES[name][1](c) for c in candidate.password)]
        return [Problem(self.code, f"Include {label}.") for label in missing]


@dataclass(frozen=True)
class NotBlocklisted(PasswordRule):
    """Not a common or breached password (the offline blocklist, blocklist.py)."""

    extra_file: str | None = None
    code: ClassVar[str] = "blocklisted"

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        return "not a common or previously breached password"

    def check(self, candidate: Candidate) -> list[Problem]:
        if is_blocklisted(candidate.password, self.extra_file):
            return [Problem(self.code, "This password is on a list of common or breached "
                                       "passwords that attackers try first. Choose another.")]
        return []


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class NotPersonalName(PasswordRule):
    """Does not contain the owner's own names (parts of three letters or more)."""

    code: ClassVar[str] = "personal_name"

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        return "does not contain your name or username"

    def check(self, candidate: Candidate) -> list[Problem]:
        from .blocklist import normal_forms

        forms = {_fold(form) for form in normal_forms(candidate.password)}
        forms.add(_fold(candidate.password))
        parts = {part for name in candidate.names for part in re.split(r"[\W_]+", _fold(name))
                 if len(part) >= 3}
        if any(part in form for part in parts for form in forms):
            return [Problem(self.code, "Do not use your own name or username in your password.")]
        return []


@dataclass(frozen=True)
class NotPreviouslyUsed(PasswordRule):
    """None of the owner's last `count` passwords (including the current one)."""

    count: int = 4
    code: ClassVar[str] = "reused"

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        return f"none of your last {self.count} passwords"

    def check(self, candidate: Candidate) -> list[Problem]:
        if candidate.was_used is not None and candidate.was_used(candidate.password, self.count):
            return [Problem(self.code, f"Do not reuse any of your last {self.count} passwords.")]
        return []


# zxcvbn reads at most this many characters for its estimate (it is quadratic in length); the
# password itself is checked and hashed whole.
_ESTIMATE_CHARS = 72


def estimate(password: str, names: Sequence[str] = ()) -> dict:
    """zxcvbn's estimate: score 0-4, guesses (log10), warning and suggestions."""
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=list(names),
                    max_length=_ESTIMATE_CHARS)
    guesses = float(result["guesses_log10"])
    return {
        "score": int(result["score"]),
        "guesses_log10": round(guesses, 1),
        "warning": result["feedback"]["warning"],
        "suggestions": list(result["feedback"]["suggestions"]),
    }


@dataclass(frozen=True)
class Strength(PasswordRule):
    """zxcvbn estimates at least `min_score` (0-4): refuses the trivially guessable
    (`aaaaaaaaaaaaaaa`, keyboard walks, dates) that no list can enumerate."""

    min_score: int = 2
    code: ClassVar[str] = "too_guessable"

    def describe(self, *, has_second_factor: bool | None = None) -> str:
        return "not easy to guess (no repeats, keyboard patterns, sequences or dates)"

    def check(self, candidate: Candidate) -> list[Problem]:
        result = estimate(candidate.password, candidate.names)
        if result["score"] < self.min_score:
            hint = result["warning"] or "Add more words or characters that do not follow a pattern."
            return [Problem(self.code, f"Too easy to guess: {hint.rstrip('.')}.")]
        return []
