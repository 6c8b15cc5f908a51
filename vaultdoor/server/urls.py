"""Root URLs: the console at /, the REST API under /api/v1/, Django admin for staff."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("vaultdoor.api.urls")),
    path("admin/", admin.site.urls),
    path("", include("vaultdoor.console.urls")),
]
