"""Signing in: password, then second factor (or forced TOTP enrolment), then the console.

Unknown user, wrong password, inactive and locked accounts get the same page, status and
work (one Argon2id computation, one counter update): nothing tells them apart.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, logout
from django.contrib.auth.hashers import make_password
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views import View

from vaultdoor.audit import record

from .. import clock
from ..choices import FailureKind
from ..conf import require_second_factor
from ..forms import CodeForm, LoginForm
from ..services import lockout, recovery, totp
from ..services.accounts import account_for
from ..services.passwords import has_second_factor, password_needs_change
from ._flow import client_address, finish_login, pending_user, safe_next, start_pending

__all__ = ["LoginView", "LogoutView", "SecondFactorView", "throttled"]

GENERIC_ERROR = "That user name and password did not match, or the account cannot sign in now."


def throttled(request: Any, template: str, context: dict, wait: int) -> Any:
    """429 with Retry-After: this address is sending too many failures; slow down."""
    record("auth.throttled", request=request, retry_after=wait)
    context = {**context, "throttle_wait": wait}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _check_password(username: str, password: str) -> Any:
    """The user whose password this is, or None; always one Argon2id computation."""
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None or not user.has_usable_password():
        make_password(password)  # the same cost as checking a real hash
        return None
    return user if user.check_password(password) else None


def second_factor_required(account: Any) -> bool:
    """Every console user needs a second factor unless the operator or account says not."""
    return require_second_factor() and bool(account.second_factor_required)


class LoginView(View):
    """Step one: user id and password."""

    template_name = "identity/login.html"

    def get(self, request: Any) -> Any:
        if request.user.is_authenticated:
            return HttpResponseRedirect(safe_next(request, request.GET.get("next")))
        return render(request, self.template_name,
                      {"form": LoginForm(), "next": request.GET.get("next", "")})

    def post(self, request: Any) -> Any:
        form = LoginForm(request.POST)
        next_url = request.POST.get("next", "")
        context = {"form": form, "next": next_url}
        address = client_address(request)
        wait = lockout.address_retry_after(address)
        if wait:
            return throttled(request, self.template_name, context, wait)
        if not form.is_valid():
            context["error"] = GENERIC_ERROR
            return render(request, self.template_name, context)
        username = form.cleaned_data["username"]
        password = form.cleaned_data["password"]
        user = _check_password(username, password)
        locked = lockout.locked_until(username, FailureKind.PASSWORD)
        if user is None or locked is not None or not user.is_active:
            self._failed(request, username, user, locked is not None)
            lockout.record_address_failure(address)
            context["error"] = GENERIC_ERROR
            return render(request, self.template_name, context)
        lockout.clear_failures(username, FailureKind.PASSWORD)
        account = account_for(user)
        password_needs_change(user, password)  # marks the account on evidence or expiry
        start_pending(request, user, next_url)
        if has_second_factor(user):
            return HttpResponseRedirect(reverse("identity:verify"))
        if second_factor_required(account):
            return HttpResponseRedirect(reverse("identity:enrol"))
        state = pending_user(request)
        assert state is not None
        return finish_login(request, user, state[1], method="password")

    def _failed(self, request: Any, username: str, user: Any, was_locked: bool) -> None:
        just_locked = False
        if not was_locked:
            just_locked = lockout.record_failure(username, FailureKind.PASSWORD)
        record("auth.login_failed", actor="anonymous", target_type="user",
               target_id=username[:150], request=request,
               reason="locked" if was_locked else "bad_credentials", step="password")
        if just_locked:
            _note_lock(username, FailureKind.PASSWORD, request)


def _note_lock(username: str, kind: str, request: Any) -> None:
    """Audit a new lock and leave a notice for the account holder's next sign-in."""
    record("auth.locked", actor=username[:150], request=request, kind=kind)
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is not None:
        account = account_for(user)
        account.locked_notice_at = clock.now()
        account.save(update_fields=["locked_notice_at", "updated"])


def check_second_factor(request: Any, user: Any, code: str) -> str:
    """The method that accepted `code` for `user` ('totp' or 'recovery_code'), or ''."""
    account = account_for(user)
    for device in account.totp_devices.filter(confirmed=True):
        if totp.verify_totp(device, code):
            return "totp"
    if len(recovery.normalise_code(code)) == 10 and recovery.use_recovery_code(account, code):
        record("auth.recovery_code_used", actor=user.get_username(), request=request,
               remaining=recovery.remaining_codes(account))
        return "recovery_code"
    return ""


def second_factor_failed(request: Any, user: Any) -> str:
    """Count a refused code; returns the message to show."""
    username = user.get_username()
    record("auth.second_factor_failed", actor=username, request=request)
    if lockout.record_failure(username, FailureKind.SECOND_FACTOR):
        _note_lock(username, FailureKind.SECOND_FACTOR, request)
    if lockout.locked_until(username, FailureKind.SECOND_FACTOR):
        return "Too many wrong codes: second-factor sign-in is locked for 30 minutes."
    return "That code was not accepted. Codes can be used once; wait for the next one."


class SecondFactorView(View):
    """Step two: a TOTP code, a recovery code or a passkey."""

    template_name = "identity/verify.html"

    def _context(self, user: Any, form: Any) -> dict:
        account = account_for(user)
        return {"form": form, "has_totp": account.totp_devices.filter(confirmed=True).exists(),
                "has_passkeys": account.webauthn_credentials.exists(),
                "passkey_mode": "login"}

    def get(self, request: Any) -> Any:
        pending = pending_user(request)
        if pending is None:
            return HttpResponseRedirect(resolve_url("identity:login"))
        return render(request, self.template_name, self._context(pending[0], CodeForm()))

    def post(self, request: Any) -> Any:
        pending = pending_user(request)
        if pending is None:
            return HttpResponseRedirect(resolve_url("identity:login"))
        user, state = pending
        form = CodeForm(request.POST)
        context = self._context(user, form)
        if lockout.locked_until(user.get_username(), FailureKind.SECOND_FACTOR):
            context["error"] = ("Too many wrong codes: second-factor sign-in is locked for "
                                "30 minutes.")
            return render(request, self.template_name, context)
        method = check_second_factor(request, user, form.data.get("code", "")) if (
            form.is_valid()) else ""
        if not method:
            context["error"] = second_factor_failed(request, user)
            return render(request, self.template_name, context)
        lockout.clear_failures(user.get_username(), FailureKind.SECOND_FACTOR)
        return finish_login(request, user, state, method=method)


class LogoutView(View):
    """Signing out (POST with the CSRF token only)."""

    http_method_names = ["post"]

    def post(self, request: Any) -> Any:
        logout(request)  # Django's user_logged_out records auth.logout (console/signals.py)
        return HttpResponseRedirect(reverse("identity:login"))
