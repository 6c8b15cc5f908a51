"""Console pages of the identity app (included by the console under /accounts/)."""

from __future__ import annotations

from django.urls import path

from .views import accounts, tokens

app_name = "accounts"

urlpatterns = [
    path("", accounts.AccountListView.as_view(), name="list"),
    path("new/", accounts.NewAccountView.as_view(), name="new"),
    path("<int:pk>/", accounts.AccountDetailView.as_view(), name="account"),
    path("<int:pk>/reset-second-factors/", accounts.ResetFactorsView.as_view(),
         name="reset_factors"),
    path("<int:pk>/enrolment-link/", accounts.NewLinkView.as_view(), name="new_link"),
    path("<int:pk>/role/", accounts.ChangeRoleView.as_view(), name="change_role"),
    path("<int:pk>/disable/", accounts.AccountStatusView.as_view(), name="disable"),
    path("<int:pk>/enable/", accounts.AccountStatusView.as_view(enable=True), name="enable"),
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/new/", tokens.NewTokenView.as_view(), name="new_token"),
    path("tokens/<int:pk>/revoke/", tokens.RevokeTokenView.as_view(), name="revoke_token"),
]
