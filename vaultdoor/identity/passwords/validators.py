"""The Django password validator that applies the configured profile everywhere Django checks
a password (forms, admin, `validate_password`), and keeps the password history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from .check import evaluate_password
from .profiles import get_profile

__all__ = ["ProfilePasswordValidator"]


class ProfilePasswordValidator:
    """Validates against a password profile (default: `VAULTDOOR_PASSWORD_PROFILE`)."""

    def __init__(self, profile: str | None = None) -> None:
        self.profile_name = profile

    def validate(self, password: str, user: Any = None) -> None:
        from ..services.passwords import password_context

        context = password_context(user)
        report = evaluate_password(password, profile=get_profile(self.profile_name), **context)
        if not report.acceptable:
            raise ValidationError(
                [ValidationError(problem.message, code=problem.code)
                 for problem in report.problems]
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Django calls this after a user's new password is saved: keep it in the history."""
        from ..services.passwords import remember_password

        if user is not None and getattr(user, "pk", None):
            remember_password(user)

    def get_help_text(self) -> str:
        profile = get_profile(self.profile_name)
        return " ".join(profile.plain_words())
