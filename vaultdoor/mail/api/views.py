"""Read-only API of mail defence: quarantine, reports and clicks (model view permissions)."""

from __future__ import annotations

from rest_framework import viewsets

from vaultdoor.api.permissions import ViewModelPermissions

from ..models import Campaign, LinkClick, PhishReport, QuarantinedMessage
from .serializers import (
    CampaignSerializer,
    LinkClickSerializer,
    PhishReportSerializer,
    QuarantinedMessageSerializer,
)

__all__ = ["CampaignViewSet", "LinkClickViewSet", "PhishReportViewSet",
           "QuarantinedMessageViewSet"]


class QuarantinedMessageViewSet(viewsets.ReadOnlyModelViewSet):
    """Messages the gateway held back (content not included: read it in the console)."""

    queryset = QuarantinedMessage.objects.defer("raw").select_related("handled_by")
    serializer_class = QuarantinedMessageSerializer
    permission_classes = [ViewModelPermissions]


class PhishReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Messages people reported, with time to report and the triage outcome."""

    queryset = PhishReport.objects.defer("raw").select_related("person", "triaged_by")
    serializer_class = PhishReportSerializer
    permission_classes = [ViewModelPermissions]


class LinkClickViewSet(viewsets.ReadOnlyModelViewSet):
    """Fetches of click-time links; only kind=human rows are a person's clicks."""

    queryset = LinkClick.objects.select_related("person")
    serializer_class = LinkClickSerializer
    permission_classes = [ViewModelPermissions]


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Awareness campaigns with their sent, opened, clicked, submitted and reported counts."""

    queryset = Campaign.objects.select_related("landing_page", "profile").order_by("-created")
    serializer_class = CampaignSerializer
    permission_classes = [ViewModelPermissions]
