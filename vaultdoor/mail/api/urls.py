"""Mail API URLs (included by vaultdoor/api/urls.py under /api/v1/mail/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("quarantine", views.QuarantinedMessageViewSet, basename="mail-quarantine")
router.register("reports", views.PhishReportViewSet, basename="mail-report")
router.register("clicks", views.LinkClickViewSet, basename="mail-click")
router.register("campaigns", views.CampaignViewSet, basename="mail-campaign")

urlpatterns = router.urls
