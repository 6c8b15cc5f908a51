"""The agent's own mail (`/m/mine/`): recent messages the gateway delivered to the signed-in
person's address, each with a one-click report button. Login only, no console permission:
agents use it from the self-service portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..models import Delivery, PhishReport
from ..services import one_click_report
from ..tokens import ReportToken

__all__ = ["MyMailView"]

SHOWN = 50


class MyMailView(LoginRequiredMixin, TemplateView):
    """GET: the person's latest deliveries; POST `ref`: report one of them."""

    template_name = "mail/my_mail.html"
    http_method_names = ["get", "post"]

    def _mine(self):
        address = (self.request.user.email or "").strip()
        if not address:
            return Delivery.objects.none()
        return Delivery.objects.filter(recipient__iexact=address)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        deliveries = list(self._mine().order_by("-received_at")[:SHOWN])
        reported = set(PhishReport.objects.filter(ref__in=[d.ref for d in deliveries])
                       .values_list("ref", flat=True))
        context.update(deliveries=deliveries, reported=reported,
                       address=self.request.user.email)
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        delivery = get_object_or_404(self._mine(), ref=str(request.POST.get("ref", ""))[:64])
        _report, created = one_click_report(ReportToken(ref=delivery.ref,
                                                        recipient=delivery.recipient), request)
        messages.success(request, "Reported. Thank you." if created else "Already reported.")
        return HttpResponseRedirect(reverse("mail:mine"))
