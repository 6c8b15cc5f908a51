"""Console pages: controllers with their status, and alarms with acknowledge and clear."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View

from vaultdoor.console.views.base import ConsoleView, ObjectDetailView, ObjectListView

from .choices import AlarmStateChoices
from .filters import AlarmFilterForm, ControllerFilterForm
from .models import Alarm, CompiledSnapshot, Controller, ControllerDoor, SnapshotUpdate
from .services import alarms

__all__ = [
    "AlarmActionView",
    "AlarmListView",
    "ControllerDetailView",
    "ControllerListView",
]


class ControllerListView(ObjectListView):
    """Every door controller: online or offline, last seen, snapshot version, spool depth,
    clock skew and open alarms."""

    model = Controller
    permission_required = ("controllers.view_controller",)
    filter_form = ControllerFilterForm
    table_template = "controllers/tables/controllers.html"
    nav = "controllers"
    empty_hint = ("No door controllers yet. Add one for its doors with `vaultdoor controller add "
                  "NAME --doors D-MAIN,D-FLOOR-1`, then enrol it on the controller with "
                  "`vaultdoor edge enroll --server URL --code CODE --data-dir DIR`.")
    title = "Door controllers"

    def queryset_for(self) -> QuerySet:
        return (
            Controller.objects.select_related("site", "snapshot")
            .annotate(
                door_count=Count("door_links", distinct=True),
                open_alarms=Count("alarms", filter=~Q(alarms__state=AlarmStateChoices.CLEARED),
                                  distinct=True),
            )
            .order_by("name")
        )


class ControllerDetailView(ObjectDetailView):
    """One controller: its doors and failure modes, its snapshot chain, its alarms."""

    model = Controller
    permission_required = ("controllers.view_controller",)
    template_name = "controllers/controller_detail.html"
    nav = "controllers"

    def queryset_for(self) -> QuerySet:
        return Controller.objects.select_related("site")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        controller: Controller = self.object
        context["controller"] = controller
        context["links"] = list(
            ControllerDoor.objects.filter(controller=controller)
            .select_related("door__to_zone").order_by("door__code")
        )
        context["compiled"] = (
            CompiledSnapshot.objects.filter(controller=controller).defer("payload").first()
        )
        context["updates"] = list(
            SnapshotUpdate.objects.filter(controller=controller).order_by("-version")[:15]
        )
        context["alarms"] = list(
            Alarm.objects.filter(controller=controller).select_related("door")[:15]
        )
        context["online"] = controller.is_online()
        return context


class AlarmListView(ObjectListView):
    """Alarms from door controllers (door forced or held open, spool nearly full, snapshot
    refused); open and acknowledged ones first."""

    model = Alarm
    permission_required = ("controllers.view_alarm",)
    filter_form = AlarmFilterForm
    table_template = "controllers/tables/alarms.html"
    nav = "alarms"
    title = "Alarms"

    def queryset_for(self) -> QuerySet:
        return Alarm.objects.select_related(
            "controller", "door", "acknowledged_by", "cleared_by"
        ).order_by("-raised_at")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_handle"] = self.request.user.has_perm("controllers.change_alarm")
        return context


class AlarmActionView(ConsoleView, View):
    """POST: acknowledge or clear one alarm (each audited with the operator's name)."""

    permission_required = ("controllers.change_alarm",)
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        alarm = get_object_or_404(Alarm, pk=pk)
        note = str(request.POST.get("note", ""))[:500]
        try:
            if action == "acknowledge":
                alarms.acknowledge(alarm, user=request.user, note=note, request=request)
                messages.success(request, f"Alarm {alarm.pk} acknowledged.")
            elif action == "clear":
                alarms.clear(alarm, user=request.user, note=note, request=request)
                messages.success(request, f"Alarm {alarm.pk} cleared.")
            else:
                return HttpResponse(status=404)
        except alarms.AlarmError as exc:
            messages.warning(request, str(exc))
        return HttpResponseRedirect(reverse("console:controllers:alarm_list"))
