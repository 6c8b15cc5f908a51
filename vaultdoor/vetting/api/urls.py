"""Vetting API URLs (included by vaultdoor/api/urls.py under /api/v1/vetting/)."""

from django.urls import path

from .views import VettingWebhookView

urlpatterns = [
    path("webhook", VettingWebhookView.as_view(), name="vetting-webhook"),
]
