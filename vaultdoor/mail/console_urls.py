"""Console pages of mail defence (included by the console under /mail/)."""

from __future__ import annotations

from django.urls import path

from .views import console, library

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
    # what campaigns are made from: list (view_), page (view_), new (add_), edit (change_),
    # delete (delete_: a confirmation page, then its POST)
    path("campaigns/templates/", library.MessageTemplateListView.as_view(),
         name="message_template_list"),
    path("campaigns/templates/new/", library.MessageTemplateEditView.as_view(),
         name="message_template_new"),
    path("campaigns/templates/<int:pk>/", library.MessageTemplateDetailView.as_view(),
         name="message_template"),
    path("campaigns/templates/<int:pk>/edit/", library.MessageTemplateEditView.as_view(),
         name="message_template_edit"),
    path("campaigns/templates/<int:pk>/delete/", library.MessageTemplateDeleteView.as_view(),
         name="message_template_delete"),
    path("campaigns/landing-pages/", library.LandingPageListView.as_view(),
         name="landing_page_list"),
    path("campaigns/landing-pages/new/", library.LandingPageEditView.as_view(),
         name="landing_page_new"),
    path("campaigns/landing-pages/<int:pk>/", library.LandingPageDetailView.as_view(),
         name="landing_page"),
    path("campaigns/landing-pages/<int:pk>/edit/", library.LandingPageEditView.as_view(),
         name="landing_page_edit"),
    path("campaigns/landing-pages/<int:pk>/delete/", library.LandingPageDeleteView.as_view(),
         name="landing_page_delete"),
    path("campaigns/training-modules/", library.TrainingModuleListView.as_view(),
         name="training_module_list"),
    path("campaigns/training-modules/new/", library.TrainingModuleEditView.as_view(),
         name="training_module_new"),
    path("campaigns/training-modules/<int:pk>/", library.TrainingModuleDetailView.as_view(),
         name="training_module"),
    path("campaigns/training-modules/<int:pk>/edit/", library.TrainingModuleEditView.as_view(),
         name="training_module_edit"),
    path("campaigns/training-modules/<int:pk>/delete/", library.TrainingModuleDeleteView.as_view(),
         name="training_module_delete"),
    path("campaigns/sending-profiles/", library.SendingProfileListView.as_view(),
         name="sending_profile_list"),
    path("campaigns/sending-profiles/new/", library.SendingProfileEditView.as_view(),
         name="sending_profile_new"),
    path("campaigns/sending-profiles/<int:pk>/", library.SendingProfileDetailView.as_view(),
         name="sending_profile"),
    path("campaigns/sending-profiles/<int:pk>/edit/", library.SendingProfileEditView.as_view(),
         name="sending_profile_edit"),
    path("campaigns/sending-profiles/<int:pk>/delete/", library.SendingProfileDeleteView.as_view(),
         name="sending_profile_delete"),
    path("campaigns/new/", console.CampaignCreateView.as_view(), name="campaign_new"),
    path("campaigns/<int:pk>/", console.CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<int:pk>/report.csv", console.CampaignCsvView.as_view(),
         name="campaign_csv"),
    path("campaigns/<int:pk>/report.pdf", console.CampaignPdfView.as_view(),
         name="campaign_pdf"),
    path("campaigns/<int:pk>/<str:action>/", console.CampaignActionView.as_view(),
         name="campaign_action"),
]
