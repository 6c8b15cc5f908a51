"""Console pages of the identity app (included by the console under /accounts/)."""

from __future__ import annotations

from django.urls import path

from .views import accounts

app_name = "accounts"

urlpatterns = [
    path("", accounts.AccountListView.as_view(), name="list"),
    path("<int:pk>/", accounts.AccountDetailView.as_view(), name="account"),
    path("<int:pk>/reset-second-factors/", accounts.ResetFactorsView.as_view(),
         name="reset_factors"),
]
