"""Mail pages for everyone, included at /m/: click-time and report links (token-protected),
and the signed-in person's own recent mail with one-click reporting."""

from __future__ import annotations

from django.urls import path

from .views import links, portal

app_name = "mail"

urlpatterns = [
    path("c/<str:token>", links.ClickView.as_view(), name="click"),
    path("r/<str:token>", links.ReportLinkView.as_view(), name="report_link"),
    path("mine/", portal.MyMailView.as_view(), name="mine"),
]
