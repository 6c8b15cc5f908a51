"""Password policy: profiles of plug-in rules, the offline blocklist, zxcvbn feedback and
Argon2id parameters. Pure Python apart from `validators` and `hashers` (Django)."""

from .check import PasswordReport, evaluate_password
from .profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    PasswordProfile,
    UnknownPasswordProfile,
    active_profile,
    get_profile,
)
from .rules import Candidate, PasswordRule, Problem

__all__ = [
    "DEFAULT_PROFILE", "PROFILES", "Candidate", "PasswordProfile", "PasswordReport",
    "PasswordRule", "Problem", "UnknownPasswordProfile", "active_profile", "evaluate_password",
    "get_profile",
]
