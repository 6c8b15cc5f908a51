"""`/api/v1/customers/`: masked list and search, masked detail, reveal, export and erase.

Every endpoint needs a signed-in user whose role may view the vault, and shows only the
customers of their queues. Reveal and export also need cleared vetting, a second factor within
15 minutes (a browser session's step-up; API tokens never have one) and a reason. Refusals
answer 403 with a `code` naming the missing condition.
"""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaultdoor.identity.stepup import has_recent_second_factor

from ..choices import SEARCH_KINDS
from ..models import Customer
from ..policy import can, visible_customers
from ..services.erasure import erase_customer, subject_access_export
from ..services.records import CustomerErased
from ..services.reveal import (
    CustomerNotFound,
    RevealRefused,
    StepUpRequired,
    find_customer,
    masked_view,
    reveal_field,
)
from ..services.search import search_query
from .serializers import (
    ExportSerializer,
    MaskedCustomerPageSerializer,
    MaskedCustomerSerializer,
    ReasonSerializer,
    RefusalSerializer,
    RevealResultSerializer,
    RevealSerializer,
    SearchResultSerializer,
    SearchSerializer,
)

SEARCH_LIMIT = 200

_REFUSALS = {403: RefusalSerializer, 404: RefusalSerializer}

__all__ = ["CustomerDetailView", "CustomerEraseView", "CustomerExportView", "CustomerListView",
           "CustomerRevealView", "CustomerSearchView"]


class CanViewVault(permissions.BasePermission):
    """Signed in, with a role that may view customer records (masked)."""

    message = "Your role may not open customer records."
    code = "role"  # the refusal's code (docs/api.md)

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and can(request.user, "view"))


def masked(user: Any, customer: Customer) -> dict[str, Any]:
    """The API form of one customer, masked for `user`."""
    return {"id": str(customer.pk), "queue": customer.queue.code, "erased": customer.erased,
            "fields": masked_view(user, customer)}


def refused(exc: Exception) -> Response:
    """The response for a refused or impossible request (never a value, never a trace)."""
    if isinstance(exc, CustomerNotFound):
        return Response({"detail": str(exc), "code": "not_found"}, status=404)
    if isinstance(exc, CustomerErased):
        return Response({"detail": "this customer was erased", "code": "erased"}, status=410)
    code = getattr(exc, "code", "refused")
    return Response({"detail": str(exc), "code": code}, status=status.HTTP_403_FORBIDDEN)


class CustomerListView(APIView):
    """Masked customers of the caller's queues, a page at a time. Searching is
    `POST /api/v1/customers/search`: a search term in the address (`?phone=`...) would be
    written to the HTTP access log, so it is refused here with 400."""

    permission_classes = [CanViewVault]

    @extend_schema(parameters=[OpenApiParameter("limit", int, required=False,
                                                description="page size, default 50, at most 200"),
                               OpenApiParameter("offset", int, required=False)],
                   responses={200: MaskedCustomerPageSerializer, 400: RefusalSerializer,
                              403: RefusalSerializer},
                   operation_id="customers_list")
    def get(self, request: Request) -> Response:
        if any(kind in request.query_params for kind in SEARCH_KINDS):
            return Response({"detail": "search with POST /api/v1/customers/search and the "
                                       "terms in the body: a search term in the address is "
                                       "written to access logs", "code": "search_in_url"},
                            status=400)
        rows = visible_customers(request.user).select_related("queue").order_by("created", "id")
        paginator = LimitOffsetPagination()
        paginator.default_limit = 50
        paginator.max_limit = 200
        page = paginator.paginate_queryset(rows, request, view=self) or []
        return paginator.get_paginated_response([masked(request.user, row) for row in page])


class CustomerSearchView(APIView):
    """Exact search by blind index: `{"phone": "07911 123456"}` (or `email`, `account`,
    `card`; several narrow the search). At most 200 matches, masked."""

    permission_classes = [CanViewVault]

    @extend_schema(request=SearchSerializer,
                   responses={200: SearchResultSerializer, 400: dict, 403: RefusalSerializer},
                   operation_id="customers_search")
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        body = SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = visible_customers(request.user).select_related("queue").order_by("created", "id")
        for kind in SEARCH_KINDS:
            typed = body.validated_data.get(kind)
            if typed:
                query = search_query(kind, typed)
                rows = rows.filter(query) if query is not None else rows.none()
        found = list(rows[:SEARCH_LIMIT + 1])
        response = Response({"count": min(len(found), SEARCH_LIMIT),
                             "truncated": len(found) > SEARCH_LIMIT,
                             "results": [masked(request.user, row)
                                         for row in found[:SEARCH_LIMIT]]})
        response["Cache-Control"] = "no-store"
        return response


class CustomerDetailView(APIView):
    """One customer, masked."""

    permission_classes = [CanViewVault]

    @extend_schema(responses={200: MaskedCustomerSerializer, **_REFUSALS})
    def get(self, request: Request, pk: str) -> Response:
        try:
            return Response(masked(request.user, find_customer(request.user, pk)))
        except CustomerNotFound as exc:
            return refused(exc)


class CustomerRevealView(APIView):
    """Reveal one field: `{"field": "card_number", "reason": "..."}` -> `{"value": ...}`."""

    permission_classes = [CanViewVault]

    @extend_schema(request=RevealSerializer,
                   responses={200: RevealResultSerializer, 410: RefusalSerializer, **_REFUSALS})
    @sensitive_variables()
    def post(self, request: Request, pk: str) -> Response:
        body = RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            customer = find_customer(request.user, pk)
            value = reveal_field(request.user, customer, body.validated_data["field"],
                                 body.validated_data["reason"],
                                 stepped_up=has_recent_second_factor(request),
                                 request=request._request)
        except (CustomerNotFound, CustomerErased, RevealRefused) as exc:
            return refused(exc)
        response = Response({"id": str(customer.pk), "field": body.validated_data["field"],
                             "value": value})
        response["Cache-Control"] = "no-store"
        return response


class CustomerExportView(APIView):
    """Subject-access export of one customer as JSON (`{"reason": "..."}`)."""

    permission_classes = [CanViewVault]

    @extend_schema(request=ReasonSerializer,
                   responses={200: ExportSerializer, 410: RefusalSerializer, **_REFUSALS})
    @sensitive_variables()
    def post(self, request: Request, pk: str) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            customer = find_customer(request.user, pk)
            export = subject_access_export(request.user, customer,
                                           reason=body.validated_data["reason"],
                                           stepped_up=has_recent_second_factor(request),
                                           request=request._request)
        except (CustomerNotFound, CustomerErased, RevealRefused) as exc:
            return refused(exc)
        response = Response(export)
        response["Cache-Control"] = "no-store"
        return response


class CustomerEraseView(APIView):
    """Erase one customer by crypto-shredding (`{"reason": "..."}`); needs a fresh step-up."""

    permission_classes = [CanViewVault]

    @extend_schema(request=ReasonSerializer,
                   responses={204: None, 410: RefusalSerializer, **_REFUSALS})
    def post(self, request: Request, pk: str) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            customer = find_customer(request.user, pk)
            if not has_recent_second_factor(request):
                raise StepUpRequired("confirm your second factor (within the last 15 "
                                     "minutes) first")
            erase_customer(request.user, customer, reason=body.validated_data["reason"],
                           request=request._request)
        except (CustomerNotFound, CustomerErased, RevealRefused) as exc:
            return refused(exc)
        return Response(status=204)
