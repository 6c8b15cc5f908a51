"""Console pages of mail defence (included by the console under /mail/)."""

from __future__ import annotations

from django.urls import path

from .views import console

app_name = "mail"

urlpatterns = [
    path("quarantine/", console.QuarantineListView.as_view(), name="quarantine_list"),
    path("quarantine/<int:pk>/", console.QuarantineDetailView.as_view(), name="quarantine"),
    path("quarantine/<int:pk>/<str:action>/", console.QuarantineActionView.as_view(),
         name="quarantine_action"),
    path("reports/", console.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", console.ReportDetailView.as_view(), name="report"),
    # POST-only actions take <str:action> (the console's convention: never a GET page)
    path("reports/<int:pk>/<str:action>/", console.ReportTriageView.as_view(),
         name="report_action"),
    path("clicks/", console.ClickListView.as_view(), name="click_list"),
    path("campaigns/", console.CampaignListView.as_view(), name="campaign_list"),
    path("training/", console.TrainingListView.as_view(), name="training_list"),
    path("campaigns/new/", console.CampaignCreateView.as_view(), name="campaign_new"),
    path("campaigns/<int:pk>/", console.CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<int:pk>/report.csv", console.CampaignCsvView.as_view(),
         name="campaign_csv"),
    path("campaigns/<int:pk>/report.pdf", console.CampaignPdfView.as_view(),
         name="campaign_pdf"),
    path("campaigns/<int:pk>/<str:action>/", console.CampaignActionView.as_view(),
         name="campaign_action"),
]
