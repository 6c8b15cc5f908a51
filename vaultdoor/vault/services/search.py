"""Search customers by blind index: exact match on phone, email, account or card number."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .. import blind
from ..choices import SEARCH_KINDS
from ..conf import phone_region
from ..keys import index_key
from ..models import Customer
from ..policy import visible_customers

__all__ = ["search_customers", "search_query"]


def search_query(kind: str, raw: str) -> Q | None:
    """The filter that finds `raw` of `kind`, or None when it cannot match anything."""
    if kind not in SEARCH_KINDS:
        raise ValueError(f"unknown search kind {kind!r}: one of {', '.join(SEARCH_KINDS)}")
    digest = blind.search_digest(index_key(), kind, raw, phone_region())
    if digest is None:
        return None
    if kind == "phone":
        return Q(phone_bidx=digest) | Q(phone2_bidx=digest)
    return Q(**{f"{kind}_bidx": digest})


def search_customers(user: Any, kind: str, raw: str) -> QuerySet[Customer]:
    """The user's customers whose `kind` matches `raw` exactly (after normalisation)."""
    query = search_query(kind, raw)
    if query is None:
        return Customer.objects.none()
    return visible_customers(user).filter(query).select_related("queue")
