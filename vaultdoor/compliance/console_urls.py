"""Console page of compliance (included by the console under /compliance/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.ComplianceView.as_view(), name="report"),
]
