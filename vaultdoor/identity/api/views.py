"""Read-only API of workforce identity: the account and API-token inventories that access
reviews, SIEM and IGA tools read (PCI DSS 7.2.4, 8.2, 8.6).

Reading only: creating accounts, changing roles and minting or revoking tokens need a second
factor proven within minutes (step-up), which an API token cannot carry; they stay in the
console and the CLI (docs/api.md). Model view permissions gate both, and a token's scopes
narrow them as everywhere (`read` allows `view_`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from vaultdoor.api.permissions import ViewModelPermissions

from .. import clock
from ..models import Account, ApiToken, RecoveryCode, TotpDevice, WebAuthnCredential
from ..services.sessions import active_sessions
from ..services.tokens import with_status
from .filtersets import AccountFilterSet, ApiTokenFilterSet
from .serializers import AccountSerializer, ApiTokenSerializer

__all__ = ["AccountViewSet", "ApiTokenViewSet", "accounts_inventory"]


def _per_account(rows: QuerySet) -> Coalesce:
    """How many of `rows` belong to the outer account: a correlated subquery, so four counts
    cost no joins that multiply each other and no query per account."""
    counted = (rows.filter(account=OuterRef("pk")).order_by().values("account")
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def accounts_inventory(now: dt.datetime | None = None) -> QuerySet:
    """Every account with its user and person, and its second factors and live sessions
    counted in the same query."""
    now = now or clock.now()
    return Account.objects.select_related("user", "person").annotate(
        totp_count=_per_account(TotpDevice.objects.filter(confirmed=True)),
        passkey_count=_per_account(WebAuthnCredential.objects.all()),
        recovery_codes_left=_per_account(RecoveryCode.objects.filter(used_at__isnull=True)),
        active_sessions=_per_account(active_sessions(now)),
    ).order_by("user__username", "pk")


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Console accounts: role, state, second factors, sessions and lockout (no secrets)."""

    serializer_class = AccountSerializer
    permission_classes = [ViewModelPermissions]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AccountFilterSet
    queryset = Account.objects.none()  # the model, for the permission class and the schema

    def get_queryset(self) -> QuerySet:
        return accounts_inventory()


class ApiTokenViewSet(viewsets.ReadOnlyModelViewSet):
    """API tokens: owner, scopes, dates and status (never the secret or its hash)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [ViewModelPermissions]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiTokenFilterSet
    queryset = ApiToken.objects.none()

    def get_queryset(self) -> QuerySet:
        return with_status(ApiToken.objects.select_related("account__user")).order_by(
            "-created", "-pk")
