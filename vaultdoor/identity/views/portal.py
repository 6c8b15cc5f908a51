"""The self-service portal: badges, second factors, password, sessions and any lock notice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from vaultdoor.audit import record

from .. import clock
from ..constants import SESSION_MUST_CHANGE
from ..forms import NewPasswordForm, PasswordChangeForm
from ..passwords import active_profile
from ..services import enrolment, recovery
from ..services.accounts import account_for
from ..services.passwords import has_second_factor, password_expires_at
from ..services.sessions import end_sessions, logout_everywhere, track_session
from ..stepup import has_recent_second_factor, step_up_redirect

__all__ = ["EndSessionView", "LogoutEverywhereView", "PasswordChangeView", "PortalView",
           "RemoveFactorView", "WelcomeView"]


class PortalView(LoginRequiredMixin, View):
    """My account: what I carry (badges), how I sign in, and what happened to my account."""

    template_name = "identity/portal.html"

    def get(self, request: Any) -> Any:
        account = account_for(request.user)
        lock_notice = account.locked_notice_at
        if lock_notice is not None:
            # Told once: the person is back in and has now seen it.
            account.locked_notice_at = None
            account.save(update_fields=["locked_notice_at", "updated"])
        cards = list(account.person.cards.order_by("facility", "number")) if (
            account.person_id) else []
        profile = active_profile()
        mfa = has_second_factor(request.user)
        return render(request, self.template_name, {
            "title": "My account", "account": account, "lock_notice": lock_notice,
            "cards": cards, "totp_devices": account.totp_devices.filter(confirmed=True),
            "passkeys": account.webauthn_credentials.all(),
            "recovery_remaining": recovery.remaining_codes(account),
            "profile": profile, "policy": profile.plain_words(has_second_factor=mfa),
            "password_expires": password_expires_at(request.user),
            "tokens": account.api_tokens.filter(revoked_at__isnull=True,
                                                expires__gt=clock.now()),
            "sessions": account.sessions.all()[:20],
            "this_session": request.session.session_key,
        })


class PasswordChangeView(LoginRequiredMixin, View):
    """Change my password (also where a forced change lands)."""

    template_name = "identity/password_change.html"

    def _render(self, request: Any, form: Any, status: int = 200) -> Any:
        account = account_for(request.user)
        profile = active_profile()
        return render(request, self.template_name, {
            "form": form, "account": account, "profile": profile,
            "policy": profile.plain_words(has_second_factor=has_second_factor(request.user)),
        }, status=status)

    def get(self, request: Any) -> Any:
        return self._render(request, PasswordChangeForm(user=request.user))

    def post(self, request: Any) -> Any:
        form = PasswordChangeForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(request, form)
        user = request.user
        user.set_password(form.cleaned_data["new_password"])
        user.save()  # the profile validator stores it in the history
        update_session_auth_hash(request, user)  # a new session key, still signed in
        request.session.pop(SESSION_MUST_CHANGE, None)
        account = account_for(user)
        # Other sessions (maybe the attacker's, if the old password leaked) end here.
        end_sessions(account, keep=request.session.session_key)
        track_session(request, account)
        record("auth.password_changed", actor=user.get_username(), request=request)
        return HttpResponseRedirect(reverse("identity:portal"))


class LogoutEverywhereView(LoginRequiredMixin, View):
    """End every session of my account, this one included."""

    http_method_names = ["post"]

    def post(self, request: Any) -> Any:
        logout_everywhere(account_for(request.user), request=request)
        logout(request)
        return HttpResponseRedirect(reverse("identity:login"))


class EndSessionView(LoginRequiredMixin, View):
    """End one of my other sessions (a browser left signed in elsewhere); not this one."""

    http_method_names = ["post"]

    def post(self, request: Any, pk: int) -> Any:
        account = account_for(request.user)
        if not end_sessions(account, keep=request.session.session_key, only=pk):
            raise Http404
        record("auth.session_expired", actor=request.user.get_username(), request=request,
               reason="ended_from_portal", sessions=1)
        return HttpResponseRedirect(reverse("identity:portal"))


class RemoveFactorView(LoginRequiredMixin, View):
    """Remove one of my authenticators or passkeys (needs a fresh second factor)."""

    http_method_names = ["post"]

    def post(self, request: Any, kind: str, pk: int) -> Any:
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        account = account_for(request.user)
        related = {"totp": account.totp_devices, "passkey": account.webauthn_credentials}
        if kind not in related:
            raise Http404
        deleted, _ = related[kind].filter(pk=pk).delete()
        if not deleted:
            raise Http404
        record("auth.second_factor_removed", actor=request.user.get_username(),
               request=request, kind=kind)
        return HttpResponseRedirect(reverse("identity:portal"))


class WelcomeView(View):
    """An enrolment link: the new account holder chooses their first password."""

    template_name = "identity/welcome.html"

    def _link(self, token: str) -> Any:
        try:
            return enrolment.find_link(token)
        except enrolment.EnrolmentError:
            from vaultdoor.audit.capped import record_capped

            # Who opens a dead link is not signed in: audited, but capped per address, and
            # without the path (it holds the token).
            record_capped("auth.enrolment_link_refused", kind="enrolment-link", per_minute=10,
                          request=self.request, with_path=False, actor="anonymous",
                          method=self.request.method)
            return None

    def get(self, request: Any, token: str) -> Any:
        link = self._link(token)
        if link is None:
            return render(request, self.template_name, {"invalid": True}, status=404)
        return render(request, self.template_name, {
            "form": NewPasswordForm(user=link.account.user),
            "username": link.account.user.get_username(),
            "policy": active_profile().plain_words(has_second_factor=False),
        })

    def post(self, request: Any, token: str) -> Any:
        link = self._link(token)
        if link is None:
            return render(request, self.template_name, {"invalid": True}, status=404)
        form = NewPasswordForm(request.POST, user=link.account.user)
        if not form.is_valid():
            return render(request, self.template_name, {
                "form": form, "username": link.account.user.get_username(),
                "policy": active_profile().plain_words(has_second_factor=False),
            })
        try:
            enrolment.redeem_link(token, form.cleaned_data["new_password"], request=request)
        except enrolment.EnrolmentError:
            return render(request, self.template_name, {"invalid": True}, status=404)
        return HttpResponseRedirect(reverse("identity:login") + "?enrolled=1")
