"""`POST /api/v1/vetting/webhook`: background-check results pushed by a screening provider.

The provider authenticates by its HMAC signature over the body (services/webhook.py), not
by a user session or token; everything else about the delivery is validated like a CSV row.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services.importer import CheckImportError
from ..services.webhook import SIGNATURE_HEADER, WebhookRefused, receive

__all__ = ["VettingWebhookView"]

# Refusals are audited, but an unauthenticated sender must not be able to flood the audit
# chain: at most this many refusal events per client address per minute (the rest are logged).
REFUSALS_AUDITED_PER_MINUTE = 10


def _audit_refusal(raw: Any, **context: Any) -> None:
    from vaultdoor.audit.capped import record_capped

    record_capped("vetting.webhook_refused", kind="vetting-webhook",
                  per_minute=REFUSALS_AUDITED_PER_MINUTE, request=raw, actor="webhook",
                  **context)


class VettingWebhookView(APIView):
    """Accept one signed delivery of background-check results."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]  # the HMAC signature is the authentication

    @extend_schema(
        operation_id="vetting_webhook",
        summary="Background-check results from a screening provider (HMAC-signed)",
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter(
            SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
            description="t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.' + body>",
        )],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="counts of what changed"),
            400: OpenApiResponse(description="malformed body"),
            401: OpenApiResponse(description="bad signature or timestamp"),
            409: OpenApiResponse(description="replayed delivery"),
            422: OpenApiResponse(description="a check did not validate (issues listed)"),
        },
    )
    def post(self, request: Request) -> Response:
        raw = request._request
        try:
            summary = receive(raw.body, raw.headers.get(SIGNATURE_HEADER, ""), request=raw)
        except WebhookRefused as exc:
            _audit_refusal(raw, reason=str(exc), status=exc.status)
            return Response({"detail": str(exc)}, status=exc.status)
        except CheckImportError as exc:
            _audit_refusal(raw, reason="invalid checks", status=422, problems=len(exc.issues))
            issues = [{"check": i.row, "field": i.column, "message": i.message}
                      for i in exc.issues]
            return Response({"detail": "no check was imported: fix every issue and resend",
                             "issues": issues}, status=422)
        return Response(summary.as_dict())
