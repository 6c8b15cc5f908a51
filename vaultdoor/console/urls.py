"""Console URLs: every page is a login-required view from `vaultdoor.console.views`."""

from django.urls import include, path
from django.views.generic import RedirectView

from vaultdoor.console.views import access, auth, dashboard, events, facilities, people

app_name = "console"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    # Sign-in lives in the identity app (password, second factor): /login/ leads there.
    path("login/", RedirectView.as_view(pattern_name="identity:login", query_string=True),
         name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("live/", events.LiveFeedView.as_view(), name="live"),
    path("floors/", facilities.FloorListView.as_view(), name="floor_list"),
    path("floors/<int:pk>/", facilities.FloorDetailView.as_view(), name="floor"),
    path("zones/", facilities.ZoneListView.as_view(), name="zone_list"),
    path("zones/<int:pk>/", facilities.ZoneDetailView.as_view(), name="zone"),
    path("doors/", facilities.DoorListView.as_view(), name="door_list"),
    path("doors/<int:pk>/", facilities.DoorDetailView.as_view(), name="door"),
    path("people/", people.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person"),
    path("credentials/", people.CardListView.as_view(), name="card_list"),
    path("credentials/<int:pk>/", people.CardDetailView.as_view(), name="card"),
    path("access-levels/", access.AccessLevelListView.as_view(), name="access_level_list"),
    path("access-levels/<int:pk>/", access.AccessLevelDetailView.as_view(), name="access_level"),
    path("schedules/", access.ScheduleListView.as_view(), name="schedule_list"),
    path("schedules/<int:pk>/", access.ScheduleDetailView.as_view(), name="schedule"),
    path("events/", events.DoorEventListView.as_view(), name="event_list"),
    path("audit/", events.AuditEventListView.as_view(), name="audit_list"),
    path("audit/<int:seq>/", events.AuditEventDetailView.as_view(), name="audit_event"),
    path("controllers/", include("vaultdoor.controllers.urls")),
    path("mail/", include("vaultdoor.mail.console_urls")),
    path("vetting/", include("vaultdoor.vetting.urls")),
    path("accounts/", include("vaultdoor.identity.console_urls")),
    path("compliance/", include("vaultdoor.compliance.console_urls")),
]
