"""`GET /api/v1/compliance/report`: the compliance page as JSON, for dashboards and GRC tools
(the same `evaluate_all` as the page and `vaultdoor compliance report --json`). Included by
vaultdoor/api/urls.py under /api/v1/compliance/."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaultdoor.facilities.models import Site

from .controls import STATUSES, evaluate_all
from .views import PERMISSION

__all__ = ["ComplianceReportView", "urlpatterns"]


class CanReadCompliance(permissions.BasePermission):
    """Who reads the console's compliance page (`audit.view_auditevent`); an API token needs
    a scope that allows it too (`read` or `write`)."""

    required_permission = PERMISSION  # what the permission matrix test reads
    message = f"You need the permission {PERMISSION} to read the compliance report."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.required_permission))


class _EvidenceSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.JSONField()
    url_name = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)


class _ControlSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    tip = serializers.CharField()
    scope = serializers.ChoiceField(choices=["site", "organisation"])
    status = serializers.ChoiceField(choices=list(STATUSES))
    score = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    summary = serializers.CharField()
    evidence = _EvidenceSerializer(many=True)


class ComplianceReportSerializer(serializers.Serializer):
    site = serializers.CharField(allow_null=True)
    score = serializers.IntegerField(allow_null=True, help_text="Mean of the measured controls.")
    counts = serializers.DictField(child=serializers.IntegerField())
    controls = _ControlSerializer(many=True)


class ComplianceReportView(APIView):
    """Every control of docs/compliance.md scored now, with its evidence."""

    permission_classes = [CanReadCompliance]

    @extend_schema(
        operation_id="compliance_report",
        parameters=[OpenApiParameter("site", str, description=(
            "A site's code: score the building controls for that site only"))],
        responses=ComplianceReportSerializer,
    )
    def get(self, request: Request) -> Response:
        site = None
        code = request.query_params.get("site")
        if code is not None:
            site = Site.objects.filter(code=code).first()
            if site is None:
                raise ValidationError({"site": [f"no site with code {code!r}"]})
        return Response(evaluate_all(site).to_dict())


urlpatterns = [path("report", ComplianceReportView.as_view(), name="compliance-report")]
