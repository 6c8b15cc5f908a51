"""Argon2id password hashing with explicit parameters at or above OWASP's minimum.

OWASP's Password Storage Cheat Sheet gives m=19 MiB, t=2, p=1 as the least acceptable Argon2id
configuration. We use 64 MiB, t=2 and one lane: more memory per guess for an attacker's
GPU, and one lane because a two-core server handles many logins at once (parallel lanes would
only make concurrent logins fight for the cores). `VAULTDOOR_ARGON2_MEMORY_KIB`,
`VAULTDOOR_ARGON2_TIME_COST` and `VAULTDOOR_ARGON2_PARALLELISM` tune them; values below the
minimum are refused at start-up. Django rehashes a stored password with older parameters at
the owner's next login. Passwords are hashed whole, at any length.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

from vaultdoor import config

__all__ = ["OWASP_MINIMUM", "VaultdoorArgon2PasswordHasher", "argon2_parameters"]

OWASP_MINIMUM = {"memory_cost": 19 * 1024, "time_cost": 2, "parallelism": 1}
DEFAULTS = {"memory_cost": 64 * 1024, "time_cost": 2, "parallelism": 1}
_VARIABLES = {"memory_cost": "ARGON2_MEMORY_KIB", "time_cost": "ARGON2_TIME_COST",
              "parallelism": "ARGON2_PARALLELISM"}


def argon2_parameters() -> dict[str, int]:
    """The configured Argon2id parameters; `ConfigError` below OWASP's minimum."""
    chosen: dict[str, int] = {}
    for name, variable in _VARIABLES.items():
        raw = config.env(variable)
        try:
            value = int(raw) if raw else DEFAULTS[name]
        except ValueError as exc:
            raise config.ConfigError(f"VAULTDOOR_{variable}: expected a whole number") from exc
        if value < OWASP_MINIMUM[name]:
            raise config.ConfigError(
                f"VAULTDOOR_{variable}={value} is below OWASP's minimum "
                f"({OWASP_MINIMUM[name]}) for Argon2id"
            )
        chosen[name] = value
    return chosen


_PARAMETERS = argon2_parameters()


class VaultdoorArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher with vaultdoor's parameters (same `argon2` algorithm name, so
    hashes made by Django's own hasher still verify and are upgraded at the next login)."""

    time_cost = _PARAMETERS["time_cost"]
    memory_cost = _PARAMETERS["memory_cost"]
    parallelism = _PARAMETERS["parallelism"]
