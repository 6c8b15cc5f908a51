"""Mail pages for everyone, included at /m/: click-time and report links, campaign tracking
image and landing pages (token-protected), and the signed-in person's portal pages: their
recent mail with one-click reporting, their training and their reports."""

from __future__ import annotations

from django.urls import path

from .views import campaign_pages, links, portal

app_name = "mail"

urlpatterns = [
    path("c/<str:token>", links.ClickView.as_view(), name="click"),
    path("r/<str:token>", links.ReportLinkView.as_view(), name="report_link"),
    path("o/<str:token>", campaign_pages.OpenPixelView.as_view(), name="open_pixel"),
    path("l/<str:token>", campaign_pages.LandingView.as_view(), name="landing"),
    path("mine/", portal.MyMailView.as_view(), name="mine"),
    path("training/", portal.MyTrainingView.as_view(), name="my_training"),
    path("training/<int:pk>/", portal.TrainingModuleView.as_view(), name="training_module"),
    path("reports/", portal.MyReportsView.as_view(), name="my_reports"),
]
