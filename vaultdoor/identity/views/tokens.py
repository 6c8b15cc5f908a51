"""Console pages for API tokens: the list (never a secret), a new token shown once, revoking.

Mounted by the console under /accounts/tokens/ (`console:accounts:tokens`, `new_token`,
`revoke_token`). Creating and revoking need a second factor within 15 minutes; a token acts
as its owner, so only someone who holds every permission of the owner may mint one
(`guards.may_manage`, the same guard as resetting second factors).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from vaultdoor.console import once
from vaultdoor.console.filters import FilterForm
from vaultdoor.console.views.base import ConsoleView, ObjectListView

from .. import clock
from ..choices import TokenStatus
from ..forms import NewTokenForm, RevokeTokenForm
from ..guards import may_manage
from ..models import ApiToken
from ..services.accounts import account_for
from ..services.tokens import TokenError, create_token, revoke_token, with_status
from ..stepup import StepUpRequiredMixin
from .accounts import no_store, refuse, sent_already

__all__ = ["NewTokenView", "RevokeTokenView", "TokenListView"]

VIEW = "identity.view_apitoken"
ADD = "identity.add_apitoken"
DELETE = "identity.delete_apitoken"

STATES = [("", "Live"), *((s.value, s.label) for s in TokenStatus if s != TokenStatus.ACTIVE),
          ("all", "All")]


class TokenFilterForm(FilterForm):
    """Search tokens by name, key id or owner; live (default), expired, revoked or all."""

    state = forms.ChoiceField(required=False, choices=STATES, label="Shown")
    search_fields = ("name__icontains", "key_id__istartswith",
                     "account__user__username__icontains")
    placeholder = "Search by name, key id or owner"

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        state = data.get("state") or TokenStatus.ACTIVE.value
        if state == "all":
            return queryset
        # The rule sign-in applies (services.tokens.with_status), one place for both.
        return with_status(queryset).filter(status=state)


class TokenListView(ObjectListView):
    """Every API token: name, key id, owner, scopes, created, expires, last used. The secret
    is not kept (only its SHA-256), so no page can show it."""

    model = ApiToken
    permission_required: ClassVar[tuple[str, ...]] = (VIEW,)
    filter_form = TokenFilterForm
    template_name = "identity/console/token_list.html"
    table_template = "identity/console/tables/tokens.html"
    nav = "api_tokens"
    title = "API tokens"
    empty_hint = "No live API tokens. An integration gets one with New token."

    def queryset_for(self) -> QuerySet:
        return ApiToken.objects.select_related("account__user").order_by("-created", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["now"] = clock.now()
        return context


class NewTokenView(ConsoleView, StepUpRequiredMixin, TemplateView):
    """Create an API token acting as an account, and show it once (in this response only)."""

    permission_required: ClassVar[tuple[str, ...]] = (VIEW, ADD)
    template_name = "identity/console/new_token.html"
    nav = "api_tokens"
    title = "New API token"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            owner = self.request.GET.get("owner", "")[:150]
            context["form"] = NewTokenForm(initial={"owner": owner})
        context["once"] = once.issue(self.request)
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NewTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        owner = get_user_model().objects.filter(username=data["owner"].strip(),
                                                is_active=True).first()
        if owner is None:
            form.add_error("owner", f"No active account has the user id {data['owner']!r}.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        account = account_for(owner)
        if not may_manage(request.user, account):
            raise refuse(request, "identity.account", str(account.pk),
                         "permissions of the token's owner",
                         "A token acting as that account could do more than you may.")
        if not once.spend(request, request.POST.get("once", "")):
            return sent_already(request, "That form was sent already: no new token was made "
                                         "(a token is shown once, when it is made).",
                                reverse("console:accounts:tokens"))
        try:
            row, secret = create_token(account, data["name"], data["scopes"],
                                       dt.timedelta(days=data["days"]),
                                       actor=request.user.get_username(), request=request)
        except TokenError as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        # Shown once, in this response only: only the secret's SHA-256 is kept.
        return no_store(render(request, "identity/console/new_token_done.html", {
            **self.navigation(), "token": row, "secret": secret, "title": self.title}))


class RevokeTokenView(ConsoleView, StepUpRequiredMixin, DetailView):
    """Confirm with a reason, then revoke one token (audited). Anyone who may delete tokens
    may revoke any one: stopping a leaked token must not wait for its owner's peer."""

    model = ApiToken
    permission_required: ClassVar[tuple[str, ...]] = (VIEW, DELETE)
    template_name = "identity/console/revoke_token.html"
    context_object_name = "token"
    nav = "api_tokens"
    title = "Revoke API token"

    def get_queryset(self) -> QuerySet:
        return ApiToken.objects.select_related("account__user")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RevokeTokenForm())
        context["live"] = self.object.revoked_at is None and self.object.expires > clock.now()
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = token = self.get_object()
        form = RevokeTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if revoke_token(token, actor=request.user.get_username(), request=request,
                        reason=form.cleaned_data["reason"]):
            messages.success(request, f"Token {token.name} ({token.key_id}) revoked: it is "
                                      "refused from now on.")
        else:
            messages.info(request, f"Token {token.name} ({token.key_id}) was revoked already.")
        return HttpResponseRedirect(reverse("console:accounts:tokens"))
