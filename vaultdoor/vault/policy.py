"""Who may do what in the vault, and which customers they may open.

Rights follow the identity app's role (`Account.role`); anything not listed is refused. Agents
open only the customers of the queues they are assigned to, supervisors those of the queues
their team works (`Queue.supervisors`); security admins and auditors see every record masked.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Customer, Queue

__all__ = ["CAPABILITIES", "can", "role_of", "visible_customers", "visible_queues"]

# view: masked records; reveal: one field in clear; reveal_pan: the whole card number in
# clear (agents see only its last four digits, even when revealing); see_bin: card's first six
# digits; export: subject-access export; erase: crypto-shred; restore: lift a suspension.
CAPABILITIES: dict[str, frozenset[str]] = {
    "agent": frozenset({"view", "reveal"}),
    "supervisor": frozenset({"view", "reveal", "reveal_pan", "see_bin", "export", "erase",
                             "restore"}),
    "security_admin": frozenset({"view", "see_bin", "erase", "restore"}),
    "auditor": frozenset({"view"}),
}
_ALL_RECORDS = {"security_admin", "auditor"}


def role_of(user: Any) -> str:
    """The user's identity role ('' for none, or for an inactive user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    account = getattr(user, "account", None)
    return getattr(account, "role", "") or ""


def can(user: Any, capability: str) -> bool:
    """Whether the user's role grants `capability`."""
    return capability in CAPABILITIES.get(role_of(user), frozenset())


def visible_queues(user: Any) -> QuerySet[Queue]:
    """The queues whose customers the user may open."""
    role = role_of(user)
    if "view" not in CAPABILITIES.get(role, frozenset()):
        return Queue.objects.none()
    if role in _ALL_RECORDS:
        return Queue.objects.all()
    if role == "supervisor":
        return Queue.objects.filter(supervisors=user)
    return Queue.objects.filter(agents=user)


def visible_customers(user: Any) -> QuerySet[Customer]:
    """The customers the user may open (masked)."""
    role = role_of(user)
    if "view" not in CAPABILITIES.get(role, frozenset()):
        return Customer.objects.none()
    if role in _ALL_RECORDS:
        return Customer.objects.all()
    return Customer.objects.filter(queue__in=visible_queues(user).values("pk"))
