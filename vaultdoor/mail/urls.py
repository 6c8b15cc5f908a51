"""Public mail links, included at /m/: click-time links and report links (token-protected)."""

from __future__ import annotations

from django.urls import path

from .views import links

app_name = "mail"

urlpatterns = [
    path("c/<str:token>", links.ClickView.as_view(), name="click"),
    path("r/<str:token>", links.ReportLinkView.as_view(), name="report_link"),
]
