"""Vault console URLs, mounted at /vault/."""

from django.urls import path

from . import views

app_name = "vault"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("customers/<str:pk>/", views.CustomerDetailView.as_view(), name="customer"),
    path("customers/<str:pk>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("customers/<str:pk>/export/", views.CustomerExportView.as_view(), name="export"),
    path("customers/<str:pk>/erase/", views.CustomerEraseView.as_view(), name="erase"),
    path("suspensions/", views.SuspensionListView.as_view(), name="suspensions"),
]
