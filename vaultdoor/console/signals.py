"""Sign-ins, failed sign-ins and sign-outs go into the audit log.

Connected once in `ConsoleConfig.ready()`. The audit log's `record()` strips secrets from the
context, and Django has already masked the password in a failed attempt's credentials; the
attempted username is kept because repeated failures on one account are what an operator
looks for.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

__all__ = ["connect"]


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from vaultdoor.audit import record

    username = user.get_username()
    record("auth.login", actor=username, target_type="user", target_id=username,
           request=request)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                  **kwargs: Any) -> None:
    from vaultdoor.audit import record

    username = str(credentials.get("username", ""))[:150]
    record("auth.login_failed", actor="anonymous", target_type="user", target_id=username,
           request=request)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from vaultdoor.audit import record

    if user is None:  # the session had already expired
        return
    username = user.get_username()
    record("auth.logout", actor=username, target_type="user", target_id=username,
           request=request)


def connect() -> None:
    """Listen to Django's authentication signals (idempotent)."""
    user_logged_in.connect(_logged_in, dispatch_uid="vaultdoor-console-login")
    user_login_failed.connect(_login_failed, dispatch_uid="vaultdoor-console-login-failed")
    user_logged_out.connect(_logged_out, dispatch_uid="vaultdoor-console-logout")
