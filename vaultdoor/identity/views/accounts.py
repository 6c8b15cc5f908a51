"""Console pages for administrators: the accounts, one account's second factors, sessions,
tokens and lockout, resetting its second factors and creating an account with a one-time
enrolment link (both need a fresh second factor).

Mounted by the console under /accounts/ (`console:accounts:*`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from vaultdoor.console import once
from vaultdoor.console.filters import FilterForm
from vaultdoor.console.views.base import ConsoleView, ObjectDetailView, ObjectListView

from .. import clock
from ..choices import FailureKind, RoleChoices
from ..forms import AccountStatusForm, ChangeRoleForm, NewAccountForm, NewLinkForm, ResetFactorsForm
from ..guards import grantable_roles, may_manage
from ..models import Account
from ..services.accounts import (
    AccountError,
    change_role,
    create_account,
    disable_account,
    enable_account,
    person_account_defaults,
)
from ..services.enrolment import issue_link
from ..services.factors import reset_second_factors
from ..services.lockout import locked_until
from ..services.sessions import end_sessions
from ..stepup import StepUpRequiredMixin, has_recent_second_factor, step_up_redirect

__all__ = ["AccountDetailView", "AccountListView", "AccountStatusView", "ChangeRoleView",
           "ManagedAccountMixin", "NewAccountView", "NewLinkView", "ResetFactorsView",
           "may_manage", "no_store", "refuse", "sent_already"]

VIEW = "identity.view_account"
ADD = "identity.add_account"
CHANGE = "identity.change_account"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class AccountFilterForm(FilterForm):
    """Search accounts by user id, name or the linked person's id."""

    search_fields = ("user__username", "user__first_name", "user__last_name", "person__code",
                     "person__name")


def _with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("user", "person").annotate(
        authenticators=Count("totp_devices", filter=Q(totp_devices__confirmed=True),
                             distinct=True),
        passkeys=Count("webauthn_credentials", distinct=True),
    )


class AccountListView(ObjectListView):
    """Every console account: who, which role, whether it has a second factor."""

    model = Account
    permission_required = (VIEW,)
    filter_form = AccountFilterForm
    template_name = "identity/console/account_list.html"
    table_template = "identity/console/tables/accounts.html"
    nav = "accounts"
    title = "Accounts"

    def queryset_for(self) -> QuerySet:
        return _with_counts(Account.objects.all()).order_by("user__username")


class AccountDetailView(ObjectDetailView):
    """One account: its person, role, second factors, sessions, API tokens and lockout."""

    model = Account
    permission_required = (VIEW,)
    template_name = "identity/console/account.html"
    nav = "accounts"

    def queryset_for(self) -> QuerySet:
        return _with_counts(Account.objects.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account = self.object
        username = account.user.get_username()
        now = clock.now()
        context.update(
            title=username,
            devices=list(account.totp_devices.filter(confirmed=True)),
            passkey_list=list(account.webauthn_credentials.all()),
            recovery_left=account.recovery_codes.filter(used_at=None).count(),
            session_count=account.sessions.count(),
            tokens=list(account.api_tokens.filter(revoked_at=None, expires__gt=now)),
            can_reset=(can_manage := may_manage(self.request.user, account)),
            can_issue_token=can_manage and account.user.is_active,
            # role and state: not one's own account (ask another administrator)
            can_manage_state=(state := can_manage and self.request.user.has_perm(CHANGE)),
            can_change=state and account.user_id != self.request.user.pk,
            terminated=_terminated(account),
            awaiting_enrolment=_awaits_enrolment(account),
            locks=[(kind.label, until) for kind in FailureKind
                   if (until := locked_until(username, kind.value, now)) is not None],
        )
        return context


class ManagedAccountMixin:
    """For pages that act on one account: a superuser's account is not found by anyone but a
    superuser, and the takeover guard (`may_manage`) refuses an account that may do more
    than the administrator (403 and `auth.permission_denied`)."""

    request: HttpRequest

    def accounts(self) -> QuerySet:
        return Account.objects.select_related("user", "person")

    def get_queryset(self) -> QuerySet:
        qs = self.accounts()
        if not self.request.user.is_superuser:
            qs = qs.filter(user__is_superuser=False)
        return qs

    def get_object(self, queryset: QuerySet | None = None) -> Account:
        account = super().get_object(queryset)  # type: ignore[misc]
        if not may_manage(self.request.user, account):
            raise refuse(self.request, "identity.account", str(account.pk),
                         "permissions of the account's holder",
                         "That account may do more than you may.")
        return account


class ResetFactorsView(ConsoleView, ManagedAccountMixin, DetailView):
    """Confirm, then remove every second factor of an account and end its sessions.

    For a lost or stolen authenticator: the holder's next sign-in leads through enrolment.
    Needs `identity.change_account`, a second factor of one's own within 15 minutes, and
    every permission the account has (`may_manage`); a superuser's only by a superuser.
    """

    model = Account
    permission_required = (VIEW, CHANGE)
    template_name = "identity/console/reset_factors.html"
    nav = "accounts"
    title = "Reset second factors"

    def accounts(self) -> QuerySet:
        return _with_counts(Account.objects.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account = self.object
        context.setdefault("form", ResetFactorsForm(username=account.user.get_username()))
        context.update(
            account=account,
            recovery_left=account.recovery_codes.filter(used_at=None).count(),
            session_count=account.sessions.count(),
            stepped_up=has_recent_second_factor(self.request),
            own=account.user_id == self.request.user.pk,
        )
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = self.get_object()
        account = self.object
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        form = ResetFactorsForm(request.POST, username=account.user.get_username())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        own = account.user_id == request.user.pk
        new_password = form.cleaned_data["new_password"] and not own
        actor = request.user.get_username()
        with transaction.atomic():
            # The holder's sessions end too (a stolen phone may come with a signed-in
            # browser), except the administrator's own current one on their own account.
            ended = end_sessions(account, keep=request.session.session_key if own else None)
            link = None
            if new_password:
                account.user.set_unusable_password()
                account.user.save(update_fields=["password"])
                link = issue_link(account, created_by=actor)
            counts = reset_second_factors(account, actor=actor, request=request,
                                          reason=form.cleaned_data["reason"],
                                          sessions_ended=ended, sign_in_reset=new_password)
        apps = _count(counts["authenticators"], "authenticator app")
        done = (f"{account.user.get_username()}: removed {apps}, "
                f"{_count(counts['passkeys'], 'passkey')} and "
                f"{_count(counts['recovery_entries'], 'recovery code')}; ended "
                f"{_count(ended, 'session')}.")
        if link is not None:
            # Shown once, in this response only (never in a message cookie or the log).
            url = request.build_absolute_uri(reverse("identity:welcome", args=[link]))
            response = render(request, "identity/console/reset_done.html", {
                **self.navigation(), "account": account, "done": done, "link": url,
                "title": self.title})
            response["Cache-Control"] = "no-store"
            return response
        messages.success(request, f"{done} The next sign-in enrols a new authenticator.")
        return HttpResponseRedirect(reverse("console:accounts:account", args=[account.pk]))


def refuse(request: HttpRequest, target_type: str, target_id: str, needs: str,
            message: str) -> PermissionDenied:
    """Record a takeover-guard refusal and return the exception to raise."""
    from vaultdoor.audit import record

    record("auth.permission_denied", actor=request.user.get_username(), target_type=target_type,
           target_id=target_id, request=request, needs=[needs])
    return PermissionDenied(message)


def sent_already(request: HttpRequest, message: str, to: str) -> HttpResponse:
    """A single-use form sent a second time: say so on the list, make nothing."""
    messages.info(request, message)
    return HttpResponseRedirect(to)


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class NewAccountView(ConsoleView, StepUpRequiredMixin, TemplateView):
    """Create a console account for a person without one (or a service account), with a
    role the administrator may give, and show its one-time enrolment link once.

    Needs `identity.add_account`, a second factor of one's own within 15 minutes (before the
    form is shown and again when it is sent) and every permission of the role given (the
    takeover guard, `guards.grantable_roles`). Uses the service `vaultdoor user create` uses.
    """

    permission_required = (VIEW, ADD)
    template_name = "identity/console/new_account.html"
    nav = "accounts"
    title = "New account"
    matches_shown = 20

    @staticmethod
    def candidates() -> QuerySet:
        """People who may get an account: current, not terminated, without one."""
        from vaultdoor.people.choices import PersonStatusChoices
        from vaultdoor.people.models import Person

        return (Person.objects.filter(account__isnull=True, active=True)
                .exclude(status=PersonStatusChoices.TERMINATED).select_related("site"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roles = grantable_roles(self.request.user)
        query = self.request.GET.get("q", "").strip()[:100]
        form = context.get("form") or NewAccountForm(roles=roles)
        chosen = form["person"].value() if form.is_bound else self.request.GET.get("person")
        try:
            chosen = int(chosen) if chosen not in (None, "") else None
        except (TypeError, ValueError):
            chosen = None
        people = self.candidates()
        matches: list[Any] = []
        if query:
            matches = list(people.filter(Q(code__icontains=query) | Q(name__icontains=query))
                           .order_by("name", "code")[:self.matches_shown + 1])
        more = len(matches) > self.matches_shown
        matches = matches[:self.matches_shown]
        if chosen is not None and all(p.pk != chosen for p in matches):
            matches = [*people.filter(pk=chosen), *matches]
        context.update(form=form, query=query, matches=matches, more=more,
                       chosen=chosen, roles=form.offered, searched=bool(query),
                       once=once.issue(self.request))
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        roles = grantable_roles(request.user)
        form = NewAccountForm(request.POST, roles=roles)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        role = data["role"]
        if role not in roles:
            raise refuse(request, "identity.role", role, "every permission of the role",
                          "That role may do more than you may.")
        # after this, a form sent again (a reload) makes nothing; a refusal below shows
        # the form with a new id
        if not once.spend(request, request.POST.get("once", "")):
            return sent_already(request, "That form was sent already: nothing new was made "
                                         "(an enrolment link is shown once, when the account "
                                         "is made).", reverse("console:accounts:list"))
        person = None
        if data["person"] is not None:
            person = self.candidates().filter(pk=data["person"]).first()
            if person is None:
                form.add_error(None, "That person already has an account, or is no longer "
                                     "current: search again.")
                return self.render_to_response(self.get_context_data(form=form), status=400)
        names = (person_account_defaults(person) if person is not None
                 else {"username": "", "first_name": "", "last_name": ""})
        username = data["username"].strip() or names["username"]
        if not username:
            form.add_error("username", "An account with no person needs a user id.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        actor = request.user.get_username()
        try:
            with transaction.atomic():
                account = create_account(
                    username, role=role, person=person, email=data["email"], actor=actor,
                    first_name=names["first_name"], last_name=names["last_name"],
                    request=request, reason=data["reason"])
                token = issue_link(account, created_by=actor)
                from vaultdoor.audit import record

                record("auth.enrolment_link", actor=actor, target_type="identity.account",
                       target_id=str(account.pk), request=request, username=username)
        except AccountError as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        # Shown once, in this response only (never in a message cookie, a URL or the log).
        link = request.build_absolute_uri(reverse("identity:welcome", args=[token]))
        return no_store(render(request, "identity/console/new_account_done.html", {
            **self.navigation(), "account": account, "link": link, "title": self.title}))


def _terminated(account: Account) -> bool:
    from vaultdoor.people.choices import PersonStatusChoices

    return account.person is not None and account.person.status == PersonStatusChoices.TERMINATED


def _awaits_enrolment(account: Account) -> bool:
    """Active, and no password chosen yet (or disabled by a reset)."""
    return account.user.is_active and not account.user.has_usable_password()


class NewLinkView(ConsoleView, StepUpRequiredMixin, ManagedAccountMixin, DetailView):
    """A new one-time enrolment link for an account that has no password yet (its first link
    expired or was lost; or its password was disabled by a reset), shown once. Earlier links
    stop working.

    Needs `identity.change_account`, a fresh second factor, a reason and every permission of
    the account (`may_manage`: whoever follows the link chooses the password). An account
    with a password is refused: that is "Reset second factors" with a new password.
    """

    model = Account
    permission_required = (VIEW, CHANGE)
    template_name = "identity/console/new_link.html"
    nav = "accounts"
    title = "New enrolment link"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", NewLinkForm())
        context.update(account=self.object, title=self.title,
                       awaiting=_awaits_enrolment(self.object), once=once.issue(self.request))
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = account = self.get_object()
        form = NewLinkForm(request.POST)
        if not form.is_valid() or not _awaits_enrolment(account):
            return self.render_to_response(self.get_context_data(form=form), status=400)
        detail = reverse("console:accounts:account", args=[account.pk])
        if not once.spend(request, request.POST.get("once", "")):
            return sent_already(request, "That form was sent already: no new link was made "
                                         "(a link is shown once, when it is made).", detail)
        actor = request.user.get_username()
        with transaction.atomic():
            token = issue_link(account, created_by=actor)
            from vaultdoor.audit import record

            record("auth.enrolment_link", actor=actor, target_type="identity.account",
                   target_id=str(account.pk), request=request,
                   username=account.user.get_username(), reason=form.cleaned_data["reason"])
        link = request.build_absolute_uri(reverse("identity:welcome", args=[token]))
        return no_store(render(request, "identity/console/new_link_done.html", {
            **self.navigation(), "account": account, "link": link, "title": self.title}))


class ChangeRoleView(ConsoleView, StepUpRequiredMixin, ManagedAccountMixin, DetailView):
    """Give an account another role: only a role whose every permission the administrator
    holds (`grantable_roles`), on an account they may manage (`may_manage`), never their own.

    Needs `identity.change_account`, a fresh second factor, a reason and a single-use form.
    The groups change through `services.accounts.change_role` (`assign_role`, as account
    creation), which records `auth.role_changed` and ends the account's sessions when the
    new role lacks a permission it had.
    """

    model = Account
    permission_required = (VIEW, CHANGE)
    template_name = "identity/console/change_role.html"
    nav = "accounts"
    title = "Change role"

    def _form(self, data: Any = None) -> ChangeRoleForm:
        return ChangeRoleForm(data, roles=grantable_roles(self.request.user),
                              current=self.object.role)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self._form())
        context.update(account=self.object, title=self.title,
                       own=self.object.user_id == self.request.user.pk,
                       once=once.issue(self.request))
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = account = self.get_object()
        form = self._form(request.POST)
        if account.user_id == request.user.pk:
            form.add_error(None, "You cannot change your own role: ask another administrator.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        role = form.cleaned_data["role"]
        if role not in grantable_roles(request.user):
            raise refuse(request, "identity.role", role, "every permission of the role",
                         "That role may do more than you may.")
        detail = reverse("console:accounts:account", args=[account.pk])
        if not once.spend(request, request.POST.get("once", "")):
            return sent_already(request, "That form was sent already: the role was not "
                                         "changed again.", detail)
        try:
            done = change_role(account, role, actor=request.user.get_username(),
                               request=request, reason=form.cleaned_data["reason"])
        except AccountError as exc:
            form.add_error("role", str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        label = RoleChoices(role).label
        ended = done["sessions_ended"]
        messages.success(request, f"{account.user.get_username()} is now {label}." + (
            f" It lost permissions: {_count(ended, 'session')} ended." if done[
                "permissions_removed"] else ""))
        return HttpResponseRedirect(detail)


class AccountStatusView(ConsoleView, StepUpRequiredMixin, ManagedAccountMixin, DetailView):
    """Disable an account (`enable = False`) or enable it again (`enable = True`).

    Disabling ends its sessions, revokes its API tokens and expires its enrolment links
    (`services.accounts.disable_account`, the steps termination takes); its password and
    second factors stay for when it is enabled again. Nobody disables their own account; a
    terminated person's account is not enabled again. Needs `identity.change_account`, a
    fresh second factor, a reason, a single-use form and the takeover guard; audited as
    `auth.account_disabled` / `auth.account_enabled`.
    """

    model = Account
    permission_required = (VIEW, CHANGE)
    template_name = "identity/console/account_status.html"
    nav = "accounts"
    enable = False

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Enable account" if self.enable else "Disable account"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account = self.object
        context.setdefault("form", AccountStatusForm())
        now = clock.now()
        context.update(
            account=account, title=self.title, enable=self.enable,
            terminated=_terminated(account),
            own=account.user_id == self.request.user.pk, once=once.issue(self.request),
            session_count=account.sessions.count(),
            token_count=account.api_tokens.filter(revoked_at=None, expires__gt=now).count(),
        )
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = account = self.get_object()
        form = AccountStatusForm(request.POST)
        if not self.enable and account.user_id == request.user.pk:
            form.add_error(None, "You cannot disable your own account: ask another "
                                 "administrator.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if self.enable and _terminated(account):
            form.add_error(None, "This account's person was terminated: it stays disabled.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        detail = reverse("console:accounts:account", args=[account.pk])
        if not once.spend(request, request.POST.get("once", "")):
            return sent_already(request, "That form was sent already: nothing was changed "
                                         "again.", detail)
        name = account.user.get_username()
        audit = {"actor": request.user.get_username(), "request": request,
                 "reason": form.cleaned_data["reason"]}
        if self.enable:
            try:
                changed = enable_account(account, **audit)
            except AccountError as exc:
                form.add_error(None, str(exc))
                return self.render_to_response(self.get_context_data(form=form), status=400)
            messages.success(request, f"{name} is enabled again." if changed
                             else f"{name} was active already.")
            return HttpResponseRedirect(detail)
        counts = disable_account(account, **audit)
        if counts is None:
            messages.info(request, f"{name} was disabled already.")
        else:
            messages.success(request, f"{name} is disabled: ended "
                                      f"{_count(counts['sessions'], 'session')}, revoked "
                                      f"{_count(counts['tokens'], 'API token')}.")
        return HttpResponseRedirect(detail)
