"""Signal receivers of the identity app."""

from __future__ import annotations

from typing import Any

__all__ = ["forget_session"]


def forget_session(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """A signed-out session leaves the account's session list (any sign-out path)."""
    from .models import AccountSession

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        AccountSession.objects.filter(session_key=key).delete()
