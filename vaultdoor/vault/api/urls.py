"""Vault API URLs (included by vaultdoor/api/urls.py under /api/v1/customers/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer-list"),
    path("search", views.CustomerSearchView.as_view(), name="customer-search"),
    path("<str:pk>", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("<str:pk>/reveal", views.CustomerRevealView.as_view(), name="customer-reveal"),
    path("<str:pk>/export", views.CustomerExportView.as_view(), name="customer-export"),
    path("<str:pk>/erase", views.CustomerEraseView.as_view(), name="customer-erase"),
]
