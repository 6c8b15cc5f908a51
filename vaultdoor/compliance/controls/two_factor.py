"""Two-factor authentication: every console account has a second factor, security admins first."""

from __future__ import annotations

from django.db.models import Count, Q

from vaultdoor.facilities.models import Site
from vaultdoor.identity.choices import RoleChoices
from vaultdoor.identity.conf import require_second_factor

from .accounts import active_accounts, has_second_factor
from .base import FAIL, NOT_MEASURED, PASS, WARN, Control, Evidence, Result, percent

__all__ = ["TwoFactor"]


class TwoFactor(Control):
    id = "two-factor"
    title = "Two-factor authentication"
    tip = "Use two-factor authentication."

    def evaluate(self, site: Site | None = None) -> Result:
        required = require_second_factor()
        enrolled = has_second_factor()
        # superusers hold every permission a security admin has
        admin = Q(role=RoleChoices.SECURITY_ADMIN) | Q(user__is_superuser=True)
        counts = active_accounts().aggregate(
            total=Count("pk"),
            with_factor=Count("pk", filter=enrolled),
            admins=Count("pk", filter=admin),
            admins_without=Count("pk", filter=admin & ~enrolled),
            exempt=Count("pk", filter=Q(second_factor_required=False)),
        )
        total, with_factor = counts["total"], counts["with_factor"]
        admins_without = counts["admins_without"]
        evidence = [
            Evidence("Active console accounts", total, "console:accounts:list"),
            Evidence("… with a confirmed second factor (TOTP or passkey)",
                     f"{with_factor} ({percent(with_factor, total)})"),
            Evidence("Security admins and superusers", counts["admins"]),
            Evidence("… without a second factor", admins_without),
            Evidence("Accounts exempted from the second factor", counts["exempt"]),
            Evidence("Required at sign-in (VAULTDOOR_REQUIRE_SECOND_FACTOR)",
                     "true" if required else "false"),
        ]
        if total == 0:
            return Result(NOT_MEASURED, None, "No active console accounts.", evidence)
        score = round(100 * with_factor / total)
        sentence = (f"{with_factor} of {total} active console accounts "
                    f"({percent(with_factor, total)}) have a second factor")
        if admins_without:
            return Result(FAIL, min(score, 40), f"{sentence}; {admins_without} security "
                          "admin(s) or superuser(s) have none.", evidence)
        if not required:
            return Result(FAIL, min(score, 40), f"{sentence}; sign-in does not require one "
                          "(VAULTDOOR_REQUIRE_SECOND_FACTOR is false).", evidence)
        if with_factor < total:
            return Result(WARN, score, f"{sentence}; {total - with_factor} have none yet.",
                          evidence)
        return Result(PASS, 100, f"{sentence}.", evidence)
