"""State shared by the sign-in steps: the pending login between password and second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from .. import clock
from ..constants import PENDING_LOGIN, SESSION_PENDING
from ..models import Account
from ..services.accounts import account_for
from ..services.sessions import complete_login

__all__ = ["client_address", "finish_login", "pending_user", "safe_next", "start_pending"]


def client_address(request: Any) -> str:
    """The peer address (REMOTE_ADDR only; forwarded headers are the client's to forge)."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")[:64]


def safe_next(request: Any, candidate: str | None) -> str:
    """`candidate` if it is a local URL, else the dashboard."""
    if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def start_pending(request: Any, user: Any, next_url: str) -> None:
    """Remember that `user` passed the password step (the session key changes here)."""
    request.session.cycle_key()
    request.session[SESSION_PENDING] = {
        "user": user.pk, "at": clock.now().timestamp(), "next": next_url,
    }


def pending_user(request: Any) -> tuple[Any, dict] | None:
    """The user between password and second factor, if that step is still fresh."""
    state = request.session.get(SESSION_PENDING)
    if not state:
        return None
    if clock.now().timestamp() - float(state.get("at", 0)) > PENDING_LOGIN.total_seconds():
        request.session.pop(SESSION_PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=state.get("user"), is_active=True).first()
    if user is None:
        return None
    return user, state


def finish_login(request: Any, user: Any, state: dict, method: str) -> HttpResponseRedirect:
    """Complete the sign-in and go on: the portal if there is news for the user (a lock
    while they were away, a password to change), else where they were going."""
    complete_login(request, user, method=method)
    account: Account = account_for(user)
    if account.must_change_password:
        return HttpResponseRedirect(resolve_url("identity:password_change"))
    if account.locked_notice_at is not None:
        return HttpResponseRedirect(resolve_url("identity:portal"))
    return HttpResponseRedirect(safe_next(request, state.get("next")))
