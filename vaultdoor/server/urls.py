"""Root URLs: the console at /, the REST API under /api/v1/, Django admin for staff."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("vaultdoor.api.urls")),
    path("admin/", admin.site.urls),
    path("auth/", include("vaultdoor.identity.urls")),
    path("m/", include("vaultdoor.mail.urls")),
    path("vault/", include("vaultdoor.vault.urls")),
    path("", include("vaultdoor.console.urls")),
]

# Error pages that show nothing but the error (vaultdoor/console/views/errors.py).
handler400 = "vaultdoor.console.views.errors.bad_request"
handler403 = "vaultdoor.console.views.errors.permission_denied"
handler404 = "vaultdoor.console.views.errors.page_not_found"
handler500 = "vaultdoor.console.views.errors.server_error"
