"""Console pages of door controllers and alarms (included by the console under /controllers/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "controllers"

urlpatterns = [
    path("", views.ControllerListView.as_view(), name="controller_list"),
    path("<int:pk>/", views.ControllerDetailView.as_view(), name="controller"),
    path("alarms/", views.AlarmListView.as_view(), name="alarm_list"),
    path("alarms/<int:pk>/<str:action>/", views.AlarmActionView.as_view(), name="alarm_action"),
]
