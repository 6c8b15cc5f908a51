"""Console pages of vetting and the lifecycle (included by the console under /vetting/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "vetting"

urlpatterns = [
    path("", views.VettingListView.as_view(), name="list"),
    path("people/<int:pk>/", views.PersonVettingView.as_view(), name="person"),
    path("people/<int:pk>/terminate/", views.TerminateView.as_view(), name="terminate"),
    # POST-only actions (check, finding, withdraw, adjudicate, final, onboarding)
    path("people/<int:pk>/<str:action>/", views.PersonActionView.as_view(), name="action"),
]
