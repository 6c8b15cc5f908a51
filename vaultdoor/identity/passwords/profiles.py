"""Password policy profiles: `pci-dss-4` (default), `nist-800-63b` and `classic`.

The operator chooses one with `VAULTDOOR_PASSWORD_PROFILE`; it applies everywhere a password is
set (console, portal, enrolment links, Django admin, `vaultdoor password check`), and its plain
words are shown beside every password field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from vaultdoor import config

from .rules import (
    CharacterClasses,
    MaximumLength,
    MinimumLength,
    NotBlocklisted,
    NotPersonalName,
    NotPreviouslyUsed,
    PasswordRule,
    Strength,
)

__all__ = [
    "DEFAULT_PROFILE", "PROFILES", "PasswordProfile", "UnknownPasswordProfile", "active_profile",
    "get_profile",
]

DEFAULT_PROFILE = "pci-dss-4"
NINETY_DAYS = dt.timedelta(days=90)


class UnknownPasswordProfile(config.ConfigError):
    """A profile name that is not one of `PROFILES`."""


@dataclass(frozen=True)
class PasswordProfile:
    """One password policy: its rules, when passwords expire, and how it is explained."""

    name: str
    title: str
    rules: Sequence[PasswordRule]
    expires_after: dt.timedelta | None = None
    expires_only_without_second_factor: bool = False
    rotation_note: str = ""

    def expiry(self, *, has_second_factor: bool) -> dt.timedelta | None:
        """How long a password lasts for this account (None: until evidence of compromise)."""
        if self.expires_after is None:
            return None
        if self.expires_only_without_second_factor and has_second_factor:
            return None
        return self.expires_after

    def plain_words(self, *, has_second_factor: bool | None = None) -> list[str]:
        """The policy as short sentences a user reads beside the password field."""
        lines = [rule.describe(has_second_factor=has_second_factor).capitalize() + "."
                 for rule in self.rules if not isinstance(rule, MaximumLength)]
        lines.append("Any length up to 1024 characters: long passphrases are welcome and "
                     "never cut short.")
        if self.rotation_note:
            lines.append(self.rotation_note)
        return lines


def _common(*rules: PasswordRule) -> tuple[PasswordRule, ...]:
    """Every profile's shared rules after its own: blocklist, names, strength, length cap."""
    extra = config.env("PASSWORD_BLOCKLIST") or None
    return (*rules, NotBlocklisted(extra), NotPersonalName(), Strength(), MaximumLength())


def _build() -> dict[str, PasswordProfile]:
    return {
        "pci-dss-4": PasswordProfile(
            name="pci-dss-4",
            title="PCI DSS 4.0.1 requirement 8.3",
            rules=_common(MinimumLength(12), CharacterClasses(("letter", "digit")),
                          NotPreviouslyUsed(4)),
            expires_after=NINETY_DAYS,
            expires_only_without_second_factor=True,
            rotation_note="Change it every 90 days, unless your account has a second factor.",
        ),
        "nist-800-63b": PasswordProfile(
            name="nist-800-63b",
            title="NIST SP 800-63B revision 4",
            rules=_common(MinimumLength(15, with_second_factor=8)),
            rotation_note="No forced changes: you change it only if it may have been exposed.",
        ),
        "classic": PasswordProfile(
            name="classic",
            title="Classic (letters, digits and special characters, changed every 90 days)",
            rules=_common(MinimumLength(8), CharacterClasses(("letter", "digit", "special"))),
            expires_after=NINETY_DAYS,
            rotation_note="Change it every 90 days.",
        ),
    }


PROFILES: dict[str, PasswordProfile] = _build()


def get_profile(name: str | None = None) -> PasswordProfile:
    """The named profile, or the configured one; `UnknownPasswordProfile` lists the choices."""
    chosen = name or configured_profile_name()
    try:
        return PROFILES[chosen]
    except KeyError:
        raise UnknownPasswordProfile(
            f"unknown password profile {chosen!r}: choose one of {', '.join(PROFILES)}"
        ) from None


def configured_profile_name() -> str:
    """`settings.VAULTDOOR_PASSWORD_PROFILE` if Django is set up, else the environment."""
    try:
        from django.conf import settings

        value = getattr(settings, "VAULTDOOR_PASSWORD_PROFILE", None)
    except Exception:
        value = None
    return value or config.env("PASSWORD_PROFILE", DEFAULT_PROFILE) or DEFAULT_PROFILE


def active_profile() -> PasswordProfile:
    """The profile in force."""
    return get_profile()
