"""Step-up: sensitive actions need a second factor proven within the last 15 minutes.

Use `@require_recent_second_factor()` on a function view, `StepUpRequiredMixin` on a class
view, or `has_recent_second_factor(request)` inside one. A user without a fresh second factor
is sent to `/auth/step-up/?next=<this page>` and comes back after proving it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse

from . import clock
from .constants import SESSION_SECOND_FACTOR_AT, STEP_UP

__all__ = ["StepUpRequiredMixin", "has_recent_second_factor", "require_recent_second_factor",
           "step_up_redirect"]


def has_recent_second_factor(request: Any, minutes: float = STEP_UP.total_seconds() / 60) -> bool:
    """True when this session proved a second factor within the last `minutes`."""
    session = getattr(request, "session", None)
    if session is None or not request.user.is_authenticated:
        return False
    at = session.get(SESSION_SECOND_FACTOR_AT)
    if at is None:
        return False
    age = clock.now().timestamp() - float(at)
    return 0 <= age <= dt.timedelta(minutes=minutes).total_seconds()


def step_up_redirect(request: Any) -> Any:
    """Where to send a user who must step up (JSON 403 for API and htmx callers)."""
    target = request.get_full_path() if request.method == "GET" else (
        request.META.get("HTTP_REFERER") or "/")
    url = reverse("identity:step_up") + "?" + urlencode({"next": target})
    if request.headers.get("HX-Request") or request.path.startswith("/api/"):
        return JsonResponse({"detail": "This action needs a fresh second factor.",
                             "step_up": url}, status=403)
    return HttpResponseRedirect(url)


def require_recent_second_factor(minutes: float = STEP_UP.total_seconds() / 60
                                 ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for views: without a fresh second factor, step up first."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not has_recent_second_factor(request, minutes):
                return step_up_redirect(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class StepUpRequiredMixin:
    """Class-view mixin (after LoginRequiredMixin): needs a fresh second factor."""

    step_up_minutes: float = STEP_UP.total_seconds() / 60

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not has_recent_second_factor(
                request, self.step_up_minutes):
            return step_up_redirect(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
