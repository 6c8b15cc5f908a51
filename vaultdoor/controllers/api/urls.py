"""`/api/v1/controllers/...`: what door controllers call."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view

from . import views


def _named(view: type, operation: str) -> type:
    """The same view under `<name>/...`, with its own OpenAPI operation id."""
    return extend_schema_view(get=extend_schema(operation_id=operation))(
        type(f"Named{view.__name__}", (view,), {})
    )


urlpatterns = [
    path("enrol", views.ControllerEnrolView.as_view(), name="controller-enrol"),
    path("snapshot", views.ControllerSnapshotView.as_view(), name="controller-snapshot"),
    path("deltas", views.ControllerDeltasView.as_view(), name="controller-deltas"),
    path("events", views.ControllerEventsView.as_view(), name="controller-events"),
    path("heartbeat", views.ControllerHeartbeatView.as_view(), name="controller-heartbeat"),
    path("<str:name>/snapshot",
         _named(views.ControllerSnapshotView, "controllers_named_snapshot").as_view(),
         name="controller-snapshot-named"),
    path("<str:name>/deltas",
         _named(views.ControllerDeltasView, "controllers_named_deltas").as_view(),
         name="controller-deltas-named"),
]
