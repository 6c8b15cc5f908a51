"""Second factors: TOTP enrolment (forced at first sign-in), recovery codes, step-up, and the
passkey (WebAuthn) JSON endpoints used by static/identity/webauthn.js."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views import View

from vaultdoor.audit import record

from ..choices import FailureKind
from ..constants import SESSION_RECOVERY_CODES
from ..forms import CodeForm
from ..models import TotpDevice
from ..services import lockout, passkeys, recovery, totp
from ..services.accounts import account_for
from ..services.sessions import mark_second_factor
from ._flow import finish_login, pending_user, safe_next
from .login import check_second_factor, second_factor_failed

__all__ = [
    "EnrolTotpView", "PasskeyAuthenticateView", "PasskeyRegisterView", "RecoveryCodesView",
    "StepUpView",
]

_ENROL_DEVICE = "identity.enrol_device"


def _who(request: Any) -> tuple[Any, dict | None]:
    """The signed-in user, or the user half-way through signing in (with their state)."""
    if request.user.is_authenticated:
        return request.user, None
    pending = pending_user(request)
    return (pending[0], pending[1]) if pending else (None, None)


class EnrolTotpView(View):
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code."""

    template_name = "identity/enrol.html"

    def _device(self, request: Any, account: Any) -> tuple[TotpDevice, str]:
        device = TotpDevice.objects.filter(
            pk=request.session.get(_ENROL_DEVICE), account=account, confirmed=False).first()
        if device is None:
            device, _secret = totp.start_enrolment(account)
            request.session[_ENROL_DEVICE] = device.pk
        return device, totp.device_secret(device)

    def _context(self, request: Any, user: Any, form: Any) -> dict:
        device, secret = self._device(request, account_for(user))
        uri = totp.provisioning_uri(device, user.get_username())
        grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        return {"form": form, "qr": totp.qr_data_uri(uri), "secret": secret,
                "secret_grouped": grouped, "forced": not request.user.is_authenticated}

    def get(self, request: Any) -> Any:
        user, _ = _who(request)
        if user is None:
            return HttpResponseRedirect(resolve_url("identity:login"))
        return render(request, self.template_name, self._context(request, user, CodeForm()))

    def post(self, request: Any) -> Any:
        user, state = _who(request)
        if user is None:
            return HttpResponseRedirect(resolve_url("identity:login"))
        account = account_for(user)
        form = CodeForm(request.POST)
        device, _ = self._device(request, account)
        if not form.is_valid() or not totp.confirm_device(device, form.cleaned_data["code"]):
            context = self._context(request, user, form)
            context["error"] = "That code did not match. Check the phone's clock and try again."
            # Audited, not counted for lockout: the holder of a new secret is not guessing.
            record("auth.second_factor_failed", actor=user.get_username(), request=request,
                   stage="enrolment")
            return render(request, self.template_name, context)
        request.session.pop(_ENROL_DEVICE, None)
        record("auth.second_factor_added", actor=user.get_username(), request=request,
               kind="totp", device=device.name)
        if recovery.remaining_codes(account) == 0:
            request.session[SESSION_RECOVERY_CODES] = recovery.new_recovery_codes(account)
            record("auth.recovery_codes_issued", actor=user.get_username(), request=request)
        if state is not None:  # forced enrolment during sign-in: this completes it
            response = finish_login(request, user, state, method="totp")
            target = response["Location"]
        else:
            mark_second_factor(request)
            target = reverse("identity:portal")
        if SESSION_RECOVERY_CODES in request.session:
            return HttpResponseRedirect(reverse("identity:recovery_codes") + "?next=" + target)
        return HttpResponseRedirect(target)


class RecoveryCodesView(LoginRequiredMixin, View):
    """Shows newly issued recovery codes, once; regenerates them on POST (after step-up)."""

    template_name = "identity/recovery_codes.html"

    def get(self, request: Any) -> Any:
        codes = request.session.pop(SESSION_RECOVERY_CODES, None)
        return render(request, self.template_name, {
            "codes": codes, "next": safe_next(request, request.GET.get("next")),
            "remaining": recovery.remaining_codes(account_for(request.user)),
        })

    def post(self, request: Any) -> Any:
        from ..stepup import has_recent_second_factor, step_up_redirect

        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        account = account_for(request.user)
        request.session[SESSION_RECOVERY_CODES] = recovery.new_recovery_codes(account)
        record("auth.recovery_codes_issued", actor=request.user.get_username(), request=request)
        return HttpResponseRedirect(reverse("identity:recovery_codes") + "?next="
                                    + reverse("identity:portal"))


class StepUpView(LoginRequiredMixin, View):
    """Prove a second factor again before a sensitive action."""

    template_name = "identity/verify.html"

    def _context(self, request: Any, form: Any) -> dict:
        account = account_for(request.user)
        return {"form": form, "step_up": True, "next": request.GET.get("next", ""),
                "has_totp": account.totp_devices.filter(confirmed=True).exists(),
                "has_passkeys": account.webauthn_credentials.exists(),
                "passkey_mode": "step_up"}

    def get(self, request: Any) -> Any:
        return render(request, self.template_name, self._context(request, CodeForm()))

    def post(self, request: Any) -> Any:
        form = CodeForm(request.POST)
        context = self._context(request, form)
        user = request.user
        if lockout.locked_until(user.get_username(), FailureKind.SECOND_FACTOR):
            context["error"] = "Too many wrong codes: try again in 30 minutes."
            return render(request, self.template_name, context)
        method = check_second_factor(request, user, form.data.get("code", "")) if (
            form.is_valid()) else ""
        if not method:
            context["error"] = second_factor_failed(request, user)
            return render(request, self.template_name, context)
        lockout.clear_failures(user.get_username(), FailureKind.SECOND_FACTOR)
        mark_second_factor(request)
        record("auth.step_up", actor=user.get_username(), request=request, method=method)
        return HttpResponseRedirect(safe_next(request, request.GET.get("next")))


def _json_body(request: Any) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class PasskeyRegisterView(LoginRequiredMixin, View):
    """POST {"step": "options"} for creation options; POST {"credential": ...} to register."""

    raise_exception = True
    http_method_names = ["post"]

    def post(self, request: Any) -> Any:
        account = account_for(request.user)
        body = _json_body(request)
        if body.get("step") == "options":
            return JsonResponse(json.loads(passkeys.registration_options(request, account)))
        try:
            credential = passkeys.verify_registration(
                request, account, body.get("credential") or {}, str(body.get("name") or ""))
        except passkeys.PasskeyError as exc:
            record("auth.second_factor_failed", actor=request.user.get_username(),
                   request=request, stage="passkey_registration")
            return JsonResponse({"ok": False, "error": str(exc)}, status=400)
        mark_second_factor(request)
        record("auth.second_factor_added", actor=request.user.get_username(), request=request,
               kind="passkey", device=credential.name)
        return JsonResponse({"ok": True, "redirect": reverse("identity:portal")})


class PasskeyAuthenticateView(View):
    """Passkey as the second factor: at sign-in (pending) or for step-up (signed in)."""

    http_method_names = ["post"]

    def post(self, request: Any) -> Any:
        user, state = _who(request)
        if user is None:
            return JsonResponse({"ok": False, "error": "Sign in again."}, status=401)
        account = account_for(user)
        body = _json_body(request)
        if body.get("step") == "options":
            return JsonResponse(json.loads(passkeys.authentication_options(request, account)))
        if lockout.locked_until(user.get_username(), FailureKind.SECOND_FACTOR):
            return JsonResponse({"ok": False, "error": "Locked for 30 minutes."}, status=403)
        try:
            ok = passkeys.verify_authentication(request, account, body.get("credential") or {})
        except passkeys.PasskeyError as exc:
            return JsonResponse({"ok": False, "error": str(exc)}, status=400)
        if not ok:
            return JsonResponse({"ok": False, "error": second_factor_failed(request, user)},
                                status=400)
        lockout.clear_failures(user.get_username(), FailureKind.SECOND_FACTOR)
        if state is not None:
            response = finish_login(request, user, state, method="passkey")
            return JsonResponse({"ok": True, "redirect": response["Location"]})
        mark_second_factor(request)
        record("auth.step_up", actor=user.get_username(), request=request, method="passkey")
        return JsonResponse({"ok": True,
                             "redirect": safe_next(request, body.get("next") or "")})
