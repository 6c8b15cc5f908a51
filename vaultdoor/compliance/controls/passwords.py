"""Strong passwords: a modern policy profile in force, and no password older than it allows."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from vaultdoor.facilities.models import Site
from vaultdoor.identity.passwords.profiles import UnknownPasswordProfile, active_profile

from .accounts import active_accounts, has_second_factor
from .base import FAIL, PASS, WARN, Control, Evidence, Result, percent

__all__ = ["StrongPasswords"]

# Profiles built on a current standard (PCI DSS 4.0.1 8.3, NIST SP 800-63B rev. 4); `classic`
# (8 characters, forced complexity) is what both standards moved away from.
CURRENT_PROFILES = ("pci-dss-4", "nist-800-63b")
CLASSIC_CAP = 60


class StrongPasswords(Control):
    id = "strong-passwords"
    title = "Strong passwords"
    tip = "Use strong passwords and change them every 90 days."

    def evaluate(self, site: Site | None = None) -> Result:
        try:
            profile = active_profile()
        except UnknownPasswordProfile as exc:
            return Result(FAIL, 0, f"The password profile is not usable: {exc}.",
                          [Evidence("VAULTDOOR_PASSWORD_PROFILE", "unknown")])
        # An unusable password ("!" prefix: passkey-only, or enrolment not finished) signs
        # nobody in, so it cannot be overdue.
        unusable = UNUSABLE_PASSWORD_PREFIX
        accounts = active_accounts().exclude(user__password="").exclude(
            user__password__startswith=unusable)
        measures = {"total": Count("pk"),
                    "must_change": Count("pk", filter=Q(must_change_password=True))}
        if profile.expires_after is not None:  # else nothing is ever overdue
            overdue_filter = Q(set_at__lt=timezone.now() - profile.expires_after)
            if profile.expires_only_without_second_factor:
                overdue_filter &= ~has_second_factor()
            measures["overdue"] = Count("pk", filter=overdue_filter)
        counts = accounts.annotate(set_at=Coalesce("password_changed_at", "created")).aggregate(
            **measures)
        total, overdue = counts["total"], counts.get("overdue", 0)
        if profile.expires_after is None:
            expiry = "never (changed on evidence of compromise)"
        else:
            expiry = f"after {profile.expires_after.days} days"
            if profile.expires_only_without_second_factor:
                expiry += " for accounts without a second factor"
        evidence = [
            Evidence("Password profile", f"{profile.name}: {profile.title}"),
            Evidence("Passwords expire", expiry),
            Evidence("Active accounts with a password", total, "console:accounts:list"),
            Evidence("… overdue for a change", f"{overdue} ({percent(overdue, total)})"),
            Evidence("… flagged to change at next sign-in", counts["must_change"]),
        ]
        score = round(100 * (total - overdue) / total) if total else 100
        sentence = f"Profile {profile.name} is in force; {overdue} of {total} passwords are " \
                   "overdue for a change"
        if total == 0:
            sentence = f"Profile {profile.name} is in force; no active account has a password yet"
        if profile.name not in CURRENT_PROFILES:
            return Result(WARN, min(score, CLASSIC_CAP), f"{sentence}; the profile predates "
                          "PCI DSS 4 and NIST SP 800-63B.", evidence)
        if overdue:
            return Result(WARN, score, f"{sentence}.", evidence)
        return Result(PASS, score, f"{sentence}.", evidence)
