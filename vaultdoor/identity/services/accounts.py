"""Accounts: finding or creating the account behind a user, giving it a role, changing its
role, and disabling or re-enabling it (the console's account page and the CLI use these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction

from vaultdoor.audit import record

from ..choices import RoleChoices
from ..models import Account

__all__ = ["AccountError", "account_for", "account_names", "assign_role", "change_role",
           "check_username", "create_account", "deactivate", "disable_account", "enable_account",
           "person_account_defaults"]


class AccountError(ValueError):
    """An account cannot be created or changed as asked (the message says why)."""


def account_for(user: Any) -> Account:
    """The user's account, created on first use (users made before identity existed)."""
    account = getattr(user, "account", None)
    if account is not None:
        return account
    account, _ = Account.objects.get_or_create(user=user)
    return account


def account_names(user: Any) -> list[str]:
    """The owner's own names, which their password must not contain."""
    if user is None:
        return []
    names = [user.get_username(), getattr(user, "first_name", ""), getattr(user, "last_name", "")]
    email = getattr(user, "email", "") or ""
    if "@" in email:
        names.append(email.split("@", 1)[0])
    account = Account.objects.filter(user_id=user.pk).select_related("person").first()
    if account is not None and account.person is not None:
        names.append(account.person.name)
    return [name for name in names if name]


def assign_role(account: Account, role: str) -> None:
    """Make `role` the account's only role group (other groups are left alone)."""
    if role not in RoleChoices.values:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(RoleChoices.values)}")
    from ..roles import role_group

    user = account.user
    user.groups.remove(*Group.objects.filter(name__in=[r.label for r in RoleChoices]))
    user.groups.add(role_group(role))
    account.role = role
    account.save(update_fields=["role", "updated"])


def check_username(username: str) -> None:
    """Refuse a username the console's sign-in form could never take (AccountError)."""
    field = get_user_model()._meta.get_field("username")
    if not username:
        raise AccountError("username: give one (letters, digits and @ . + - _)")
    if len(username) > field.max_length:
        raise AccountError(f"username: at most {field.max_length} characters "
                           f"(it has {len(username)})")
    try:
        for validator in field.validators:
            validator(username)
    except ValidationError:
        raise AccountError(f"username {username!r}: use letters, digits and @ . + - _ "
                           "only") from None


def person_account_defaults(person: Any) -> dict[str, str]:
    """The user id (the person's id, lower case) and names a person's new account gets."""
    first, _, last = person.name.strip().partition(" ")
    return {"username": person.code.lower(), "first_name": first[:150],
            "last_name": last.strip()[:150]}


def create_account(
    username: str, *, role: str, person: Any = None, email: str = "", actor: str = "system",
    first_name: str = "", last_name: str = "", request: Any = None, **audit: Any,
) -> Account:
    """Create a console user with no usable password (they set one through an enrolment link)
    and its account, in one transaction with its audit event (`audit` adds to its context,
    e.g. the administrator's reason)."""
    user_model = get_user_model()
    if role not in RoleChoices.values:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(RoleChoices.values)}")
    check_username(username)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise AccountError(f"email {email!r} is not an email address") from None
    with transaction.atomic():
        if user_model.objects.filter(username__iexact=username).exists():
            raise AccountError(f"a user named {username!r} already exists")
        if person is not None and Account.objects.filter(person=person).exists():
            raise AccountError(f"person {person.code} already has an account")
        user = user_model(username=username, email=email, first_name=first_name,
                          last_name=last_name)
        user.set_unusable_password()
        user.save()
        account = Account.objects.create(user=user, person=person)
        assign_role(account, role)
        record("auth.user_created", actor=actor, target_type="identity.account",
               target_id=str(account.pk), request=request, username=username, role=role,
               person=getattr(person, "code", ""), **audit)
    return account


def change_role(account: Account, role: str, *, actor: str, request: Any = None,
                **audit: Any) -> dict[str, Any]:
    """Give `account` another role (through `assign_role`, the service account creation uses)
    and record `auth.role_changed` in the same transaction; `audit` adds to its context (the
    administrator's reason).

    When the new role lacks any permission the account had, every session of the account
    ends, so nothing it may no longer do stays open in a browser. Returns the event's context.
    Who may give which role is the caller's check (`guards.may_manage`, `grantable_roles`).
    """
    from ..guards import held_permissions
    from .sessions import end_sessions

    if role not in RoleChoices.values:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(RoleChoices.values)}")
    with transaction.atomic():
        account = (Account.objects.select_for_update(of=("self", "user"))
                   .select_related("user").get(pk=account.pk))
        old = account.role
        if old == role:
            raise AccountError(f"{account.user.get_username()} has the role {role} already")
        before = held_permissions(account.user)  # (also for a disabled account)
        assign_role(account, role)
        after = held_permissions(account.user)
        lost, gained = before - after, after - before
        ended = end_sessions(account) if lost else 0
        context = {"username": account.user.get_username(), "old_role": old or "",
                   "new_role": role, "permissions_removed": len(lost),
                   "permissions_added": len(gained), "sessions_ended": ended, **audit}
        record("auth.role_changed", actor=actor, target_type="identity.account",
               target_id=str(account.pk), request=request, **context)
    return context


def deactivate(account: Account, at: dt.datetime | None = None) -> dict[str, int]:
    """Disable the account's user and end what it holds: its unused enrolment links expire,
    its sessions end and its API tokens are revoked. Records nothing: `disable_account` and
    termination (vaultdoor/vetting/services/lifecycle.py) each record it their own way.
    Returns the counts: `links` expired, `sessions` ended, `tokens` revoked."""
    from .. import clock
    from ..models import EnrolmentLink
    from .sessions import end_sessions
    from .tokens import revoke_tokens

    at = at or clock.now()
    user = account.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    links = EnrolmentLink.objects.filter(account=account, used_at=None,
                                         expires__gt=at).update(expires=at)
    return {"links": links, "sessions": end_sessions(account),
            "tokens": revoke_tokens(account)}


def disable_account(account: Account, *, actor: str, request: Any = None,
                    **audit: Any) -> dict[str, int] | None:
    """Disable an active account (`deactivate`) and record `auth.account_disabled` with the
    counts, in one transaction; returns `deactivate`'s counts, or None (nothing recorded)
    when it was disabled already.
    Its second factors and password stay, for when it is enabled again."""
    with transaction.atomic():
        account = (Account.objects.select_for_update(of=("self", "user"))
                   .select_related("user").get(pk=account.pk))
        if not account.user.is_active:
            return None
        counts = deactivate(account)
        # (not "tokens_revoked": the audit log redacts keys that name tokens)
        record("auth.account_disabled", actor=actor, target_type="identity.account",
               target_id=str(account.pk), request=request,
               username=account.user.get_username(), enrolment_links_expired=counts["links"],
               sessions_ended=counts["sessions"], api_credentials_revoked=counts["tokens"],
               **audit)
    return counts


def enable_account(account: Account, *, actor: str, request: Any = None, **audit: Any) -> bool:
    """Enable a disabled account again and record `auth.account_enabled`; False, and nothing
    recorded, when it was active already. A terminated person's account stays disabled
    (AccountError). Revoked tokens stay revoked; the holder signs in with the password and
    second factors they had (an account with no password needs a new enrolment link)."""
    from vaultdoor.people.choices import PersonStatusChoices

    with transaction.atomic():
        account = (Account.objects.select_for_update(of=("self", "user"))
                   .select_related("user", "person").get(pk=account.pk))
        if account.user.is_active:
            return False
        person = account.person
        if person is not None and person.status == PersonStatusChoices.TERMINATED:
            raise AccountError(f"{account.user.get_username()} belongs to {person.code}, who "
                               "was terminated: the account stays disabled")
        account.user.is_active = True
        account.user.save(update_fields=["is_active"])
        record("auth.account_enabled", actor=actor, target_type="identity.account",
               target_id=str(account.pk), request=request,
               username=account.user.get_username(), **audit)
    return True
