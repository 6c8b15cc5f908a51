"""REST API v1 URLs and the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from . import views
from .decisions import DecisionView

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The OpenAPI document; a refusal (a method other than GET) is JSON like every other
    refusal of the API, not an error rendered as an OpenAPI document."""

    def get_renderers(self):
        if self.request.method not in ("GET", "HEAD"):
            return [JSONRenderer()]
        return super().get_renderers()


router = SimpleRouter(trailing_slash=False)
router.register("facilities/sites", views.SiteViewSet, basename="site")
router.register("facilities/floors", views.FloorViewSet, basename="floor")
router.register("facilities/zones", views.ZoneViewSet, basename="zone")
router.register("facilities/doors", views.DoorViewSet, basename="door")
router.register("people/people", views.PersonViewSet, basename="person")
router.register("people/cards", views.CardViewSet, basename="card")
router.register("access/schedules", views.ScheduleViewSet, basename="schedule")
router.register("access/holidays", views.HolidayViewSet, basename="holiday")
router.register("access/access-levels", views.AccessLevelViewSet, basename="accesslevel")
router.register("access/roles", views.RoleViewSet, basename="role")
router.register("access/door-events", views.DoorEventViewSet, basename="doorevent")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("access/decisions", DecisionView.as_view(), name="access-decisions"),
    path("controllers/", include("vaultdoor.controllers.api.urls")),
    path("vetting/", include("vaultdoor.vetting.api.urls")),
    path("mail/", include("vaultdoor.mail.api.urls")),
    path("compliance/", include("vaultdoor.compliance.api")),
    path("identity/", include("vaultdoor.identity.api.urls")),
    path("customers/", include("vaultdoor.vault.api.urls")),
    *router.urls,
]
