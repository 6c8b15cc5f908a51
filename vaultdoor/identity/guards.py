"""The takeover guard: nobody gives, or gains control of, more than they may do themselves.

Resetting an account's second factors (with a new enrolment link), creating an account with a
role and minting an API token that acts as an account all hand someone power. Each is allowed
only when every permission handed over is one the acting user holds already; a superuser's
account only by a superuser.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .choices import RoleChoices
from .models import Account

__all__ = ["grantable_roles", "held_permissions", "may_grant", "may_manage"]


def may_grant(actor: Any, permissions: Iterable[str]) -> bool:
    """Whether `actor` holds every one of `permissions` (`app_label.codename`)."""
    if actor.is_superuser:
        return True
    return set(permissions) <= actor.get_all_permissions()


def may_manage(actor: Any, account: Account) -> bool:
    """Whether `actor` may take control of `account` (reset its second factors, issue it a
    link, mint a token acting as it): the account's permissions must all be the actor's own;
    superusers only by superusers."""
    target = account.user
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    return may_grant(actor, held_permissions(target))


def held_permissions(user: Any) -> set[str]:
    """Every permission the user's groups and own grants give, whether or not the user is
    active. (Django answers "none" for a disabled user, which would let anyone manage a
    disabled security admin's account: reset it, then enable it again.)"""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    rows = (Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .values_list("content_type__app_label", "codename").distinct())
    return {f"{app}.{codename}" for app, codename in rows}


def grantable_roles(actor: Any) -> list[str]:
    """The roles `actor` may give a new account (those whose permissions are all theirs)."""
    from .roles import _all_permissions, role_permissions

    available = _all_permissions()  # one query for every role
    return [role.value for role in RoleChoices
            if may_grant(actor, role_permissions(role.value, available))]
