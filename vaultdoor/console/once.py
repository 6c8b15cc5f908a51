"""Single-use forms: a form whose answer shows a secret once (a new token, an enrolment link)
or does something once (a delete) carries a one-time id from the session, so sending it again
(reload, back and resend) makes nothing new: the second send finds the id spent. Shared by
the console pages of every app (identity's accounts and tokens, mail's library)."""

from __future__ import annotations

import secrets
from typing import Any

# The session key (named when this lived in the identity app; kept, so open forms stay good).
SESSION_FORM_ONCE = "identity.form_once"

__all__ = ["issue", "spend"]

KEEP = 10  # forms open at once in one session (tabs)


def issue(request: Any) -> str:
    """A new one-time id for a form about to be shown, remembered in the session."""
    value = secrets.token_urlsafe(16)
    request.session[SESSION_FORM_ONCE] = [*request.session.get(SESSION_FORM_ONCE, [])[-KEEP + 1:],
                                          value]
    return value


def spend(request: Any, value: str) -> bool:
    """True, once, for an id `issue` gave this session; False for any other or a second time."""
    known = list(request.session.get(SESSION_FORM_ONCE, []))
    if not value or value not in known:
        return False
    known.remove(value)
    request.session[SESSION_FORM_ONCE] = known
    return True
