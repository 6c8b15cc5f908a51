"""Console URLs."""

from django.urls import path

from vaultdoor.console import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login, name="login"),
]
