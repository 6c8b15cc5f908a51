"""Query filters of the identity API (`?role=it&active=true&has_second_factor=false`)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from ..choices import RoleChoices, TokenStatus
from ..models import Account, ApiToken

__all__ = ["AccountFilterSet", "ApiTokenFilterSet"]


class AccountFilterSet(django_filters.FilterSet):
    """The review questions: who holds a role, who is active, who has no second factor."""

    role = django_filters.ChoiceFilter(choices=RoleChoices.choices, label="Role")
    active = django_filters.BooleanFilter(field_name="user__is_active", label="Account active")
    has_second_factor = django_filters.BooleanFilter(
        method="filter_second_factor",
        label="A confirmed authenticator app or a passkey (recovery codes alone are not one)",
    )

    class Meta:
        model = Account
        fields = ["role", "active", "has_second_factor"]

    def filter_second_factor(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # `totp_count` and `passkey_count` are the view's annotations (views.accounts_inventory)
        enrolled = Q(totp_count__gt=0) | Q(passkey_count__gt=0)
        return queryset.filter(enrolled if value else ~enrolled)


class ApiTokenFilterSet(django_filters.FilterSet):
    """Tokens by state (annotated by `services.tokens.with_status`) and by owner's user id."""

    status = django_filters.ChoiceFilter(choices=TokenStatus.choices, label="Status")
    owner = django_filters.CharFilter(field_name="account__user__username", label="Owner user id")

    class Meta:
        model = ApiToken
        fields = ["status", "owner"]
