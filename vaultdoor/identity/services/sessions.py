"""Console sessions: what a complete sign-in stores, the session list and 'log out
everywhere'. The per-request checks (vaultdoor/identity/middleware.py) read only the session,
so they cost no database query."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.sessions.models import Session
from django.db.models import QuerySet

from vaultdoor.audit import record

from .. import clock
from ..constants import (
    SESSION_ABSOLUTE,
    SESSION_AUTH_AT,
    SESSION_IDLE,
    SESSION_LAST_SEEN,
    SESSION_MUST_CHANGE,
    SESSION_PENDING,
    SESSION_SECOND_FACTOR_AT,
)
from ..models import Account, AccountSession
from .accounts import account_for

__all__ = ["active_sessions", "complete_login", "end_sessions", "logout_everywhere",
           "mark_second_factor", "track_session"]


def mark_second_factor(request: Any) -> None:
    """Note that the user has just proven a second factor (for step-up)."""
    request.session[SESSION_SECOND_FACTOR_AT] = clock.now().timestamp()


def track_session(request: Any, account: Account) -> None:
    """Remember the request's (new) session key under the account."""
    if not request.session.session_key:
        request.session.save()
    AccountSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"account": account, "created": clock.now(),
                  "address": str(request.META.get("REMOTE_ADDR", ""))[:64],
                  "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:300]},
    )


def complete_login(request: Any, user: Any, *, method: str) -> None:
    """Sign the user in: a new session key, the session clocks, tracking, an audit event."""
    request.session.pop(SESSION_PENDING, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # cycles the key
    account = account_for(user)
    now = clock.now().timestamp()
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_LAST_SEEN] = now
    if account.must_change_password:
        request.session[SESSION_MUST_CHANGE] = True
    if method != "password":
        request.session[SESSION_SECOND_FACTOR_AT] = now
    track_session(request, account)
    # `login()` above fired Django's user_logged_in, which records auth.login
    # (vaultdoor/console/signals.py); this event says how the second step was made.
    record("auth.second_factor_verified", actor=user.get_username(),
           target_type="identity.account", target_id=str(account.pk), request=request,
           method=method)


def active_sessions(now: dt.datetime | None = None) -> QuerySet:
    """The tracked sessions the session policy would still let through now (in one query,
    for inventories): signed in within SESSION_ABSOLUTE and used within SESSION_IDLE.

    A session that is never used again stays in the store until its expiry, so the store alone
    overcounts. Django's database store sets `expire_date` to the last save plus
    SESSION_COOKIE_AGE, and the middleware saves the session when it moves the idle clock (at
    most a minute behind; polling does not move it), so the last use is `expire_date` minus
    SESSION_COOKIE_AGE, to the minute."""
    now = now or clock.now()
    used_since = now - SESSION_IDLE + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    in_use = Session.objects.filter(expire_date__gt=used_since).values("session_key")
    return AccountSession.objects.filter(session_key__in=in_use,
                                         created__gt=now - SESSION_ABSOLUTE)


def end_sessions(account: Account, *, keep: str | None = None, only: int | None = None) -> int:
    """Delete the account's sessions from the session store (all but `keep`; with `only`,
    just the tracked session of that id)."""
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    rows = account.sessions.exclude(session_key=keep or "")
    if only is not None:
        rows = rows.filter(pk=only)
    for row in rows:
        engine.SessionStore(session_key=row.session_key).delete()
        row.delete()
        ended += 1
    return ended


def logout_everywhere(account: Account, *, request: Any = None) -> int:
    """End every session of the account; returns how many were ended."""
    ended = end_sessions(account)
    record("auth.logout_everywhere", actor=account.user.get_username(),
           target_type="identity.account", target_id=str(account.pk), request=request,
           sessions=ended)
    return ended
