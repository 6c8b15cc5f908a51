"""Session policy on every request: 15 idle minutes, 12 hours at most, a forced password
change, no way around the second factor through the admin's login page, and a fresh second
factor (step-up) before the Django admin changes access levels, roles, people, accounts,
groups or vetting records.

It reads only the session (no database query on the common path). Sessions not made by the
identity sign-in (tests' `force_login`) carry no clocks and are left alone; 'log out
everywhere' deletes sessions from the store (services/sessions.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse

from vaultdoor.audit import record

from . import clock
from .constants import (
    SESSION_ABSOLUTE,
    SESSION_AUTH_AT,
    SESSION_IDLE,
    SESSION_LAST_SEEN,
    SESSION_MUST_CHANGE,
    SESSION_TOUCH,
)

__all__ = ["SessionPolicyMiddleware"]

# Pages a user with a password to change may still open.
_OPEN_PREFIXES = ("/auth/", "/static/")
# Admin changes (any POST: add, change, delete, bulk actions) that need a step-up, as
# (app label, model name or "*"): access levels and roles, people (their access levels and
# vetting), console accounts and tokens, users and groups (permissions), vetting decisions.
STEP_UP_ADMIN = frozenset({("access", "accesslevel"), ("access", "role"), ("people", "person"),
                           ("identity", "*"), ("auth", "*"), ("vetting", "*")})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SessionPolicyMiddleware:
    """Ends idle and over-age sessions; sends users whose password must change to the change
    page; sends the admin's login page to the identity sign-in."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.admin_login = reverse("admin:login")
        self.admin_index = reverse("admin:index")

    def __call__(self, request: Any) -> Any:
        if request.path == self.admin_login:
            query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
            return HttpResponseRedirect(reverse("identity:login") + "?" + query)
        session = getattr(request, "session", None)
        if session is not None and SESSION_AUTH_AT in session:
            response = self._enforce(request, session)
            if response is not None:
                return response
        if request.method not in _SAFE_METHODS and request.path.startswith(self.admin_index):
            response = self._admin_step_up(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _admin_step_up(self, request: Any) -> Any:
        """A step-up redirect for an admin change of a sensitive model without a fresh factor."""
        from .stepup import has_recent_second_factor, step_up_redirect

        parts = request.path[len(self.admin_index):].strip("/").split("/")
        if len(parts) < 2 or not ({(parts[0], parts[1]), (parts[0], "*")} & STEP_UP_ADMIN):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or has_recent_second_factor(request):
            return None
        return step_up_redirect(request)

    def _enforce(self, request: Any, session: Any) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        now = clock.now().timestamp()
        last_seen = float(session.get(SESSION_LAST_SEEN, now))
        reason = ""
        if now - last_seen > SESSION_IDLE.total_seconds():
            reason = "idle"
        elif now - float(session[SESSION_AUTH_AT]) > SESSION_ABSOLUTE.total_seconds():
            reason = "absolute_limit"
        if reason:
            record("auth.session_expired", actor=user.get_username(), request=request,
                   reason=reason)
            logout(request)
            return None  # the view now sees an anonymous visitor (login page or 401)
        # Background polling (htmx) is not a person at the keyboard and does not reset the
        # idle clock; the clock is written at most once a minute to spare the session store.
        if not request.headers.get("HX-Request") and now - last_seen >= SESSION_TOUCH:
            session[SESSION_LAST_SEEN] = now
        if session.get(SESSION_MUST_CHANGE) and not request.path.startswith(_OPEN_PREFIXES):
            return HttpResponseRedirect(reverse("identity:password_change"))
        return None
