"""Identity API URLs (included by vaultdoor/api/urls.py under /api/v1/identity/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("accounts", views.AccountViewSet, basename="identity-account")
router.register("tokens", views.ApiTokenViewSet, basename="identity-token")

urlpatterns = router.urls
