"""Console page of the gateway's queue (Mail > Queue): what waits where, the messages the
next hop refused for good, and retrying or deleting those (audited in `queue_ops`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from vaultdoor.console.views.base import ConsoleView

from ..mail_settings import queue_dir
from ..queue_ops import QueueOpError, delete_failed, failed_messages, queue_status, retry_failed

__all__ = ["QueueActionView", "QueueView"]

VIEW, MANAGE = "mail.view_delivery", "mail.change_delivery"


class QueueView(ConsoleView, TemplateView):
    """Counts, the oldest waiting message's age, and the refused messages."""

    permission_required = (VIEW,)
    template_name = "mail/queue.html"
    nav = "mail_queue"
    title = "Mail queue"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        directory = queue_dir()
        context.update(
            title=self.title, status=queue_status(directory), failed=failed_messages(directory),
            can_manage=self.request.user.has_perm(MANAGE),
        )
        return context


class QueueActionView(ConsoleView, View):
    """POST: retry (back to the next hop) or delete (with a reason) one refused message."""

    http_method_names = ["post"]
    permission_required = (VIEW, MANAGE)

    def post(self, request: HttpRequest, entry_id: str, action: str) -> HttpResponse:
        actor = request.user.get_username()
        try:
            if action == "retry":
                retry_failed(queue_dir(), entry_id, actor=actor, request=request)
                messages.success(request, f"{entry_id} is back in the queue: the gateway "
                                          "relays it on its next pass.")
            elif action == "delete":
                delete_failed(queue_dir(), entry_id, actor=actor,
                              reason=request.POST.get("reason", ""), request=request)
                messages.success(request, f"{entry_id} deleted.")
            else:
                return HttpResponse(status=404)
        except QueueOpError as exc:
            messages.warning(request, str(exc))
        except OSError as exc:
            messages.error(request, f"Could not change the queue: {exc.strerror or exc}")
        return HttpResponseRedirect(reverse("console:mail:queue"))
