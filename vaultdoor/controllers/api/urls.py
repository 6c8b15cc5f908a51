"""`/api/v1/controllers/...`: what door controllers call."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("enrol", views.ControllerEnrolView.as_view(), name="controller-enrol"),
    path("snapshot", views.ControllerSnapshotView.as_view(), name="controller-snapshot"),
    path("deltas", views.ControllerDeltasView.as_view(), name="controller-deltas"),
    path("events", views.ControllerEventsView.as_view(), name="controller-events"),
    path("heartbeat", views.ControllerHeartbeatView.as_view(), name="controller-heartbeat"),
    path("<str:name>/snapshot", views.ControllerSnapshotView.as_view(),
         name="controller-snapshot-named"),
    path("<str:name>/deltas", views.ControllerDeltasView.as_view(),
         name="controller-deltas-named"),
]
