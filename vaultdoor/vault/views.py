"""Console pages of the vault: search, masked customer, reveal (reason + step-up), erasure,
and the suspended reveal rights a supervisor may restore.

Each page needs a signed-in user whose vault role allows it (`policy.can`), and shows only the
customers of their queues; anything else is a 403 (or a 404 for a customer outside them).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from vaultdoor.console.views.base import PageView
from vaultdoor.identity.stepup import has_recent_second_factor, step_up_redirect

from .choices import FIELDS, SEARCH_KINDS
from .conf import reason_min_length
from .models import RevealSuspension, VaultAlert
from .policy import can, visible_customers
from .services.erasure import erase_customer, subject_access_export
from .services.records import CustomerErased
from .services.reveal import (
    CustomerNotFound,
    RevealRefused,
    acknowledge_alert,
    find_customer,
    is_suspended,
    masked_view,
    open_alerts,
    restore_reveal,
    reveal_field,
    watched_users,
)
from .services.search import search_query

__all__ = ["CustomerDetailView", "CustomerEraseView", "CustomerExportView", "CustomerListView",
           "RevealView", "SuspensionListView"]


class VaultPage(PageView):
    """A vault page: signed in (console base) and the vault capability `needs`."""

    needs: ClassVar[str] = "view"
    nav = "vault"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not can(request.user, self.needs):
            from vaultdoor.audit import record

            record("auth.permission_denied", actor=request.user.get_username(),
                   target_type="page", target_id=request.path[:128], request=request,
                   needs=[f"vault.{self.needs}"])
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def customer(self) -> Any:
        try:
            return find_customer(self.request.user, self.kwargs["pk"])
        except CustomerNotFound as exc:
            raise Http404("no such customer in your queues") from exc


class CustomerListView(VaultPage):
    """Search customers by phone, email, account or card number (exact, by blind index).

    The search is a POST: a phone or card number in the address would be written to the HTTP
    access log, the browser's history and the next page's Referer. Search terms in a GET
    address are ignored."""

    template_name = "vault/customer_list.html"
    title = "Customers"

    @sensitive_variables()
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = self.render_to_response(self.get_context_data(**kwargs))
        response["Cache-Control"] = "no-store"
        return response

    @sensitive_variables()
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.request.POST if self.request.method == "POST" else {}
        kind = form.get("kind", "phone")
        kind = kind if kind in SEARCH_KINDS else "phone"
        typed = form.get("q", "").strip()
        rows = visible_customers(self.request.user).select_related("queue")
        searched = bool(typed)
        if searched:
            query = search_query(kind, typed)
            rows = rows.filter(query) if query is not None else rows.none()
        rows = list(rows.order_by("-created", "id")[:25])
        context.update(kinds=SEARCH_KINDS, kind=kind, q=typed, searched=searched,
                       results=[(row, masked_view(self.request.user, row)) for row in rows])
        return context


class CustomerDetailView(VaultPage):
    """One customer, masked, with a reveal link per field."""

    template_name = "vault/customer_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        customer = self.customer()
        user = self.request.user
        context.update(customer=customer, title="Customer",
                       fields=[(name, label, value) for (name, label), value in
                               zip(FIELDS.items(), masked_view(user, customer).values(),
                                   strict=True)],
                       can_reveal=can(user, "reveal") and not customer.erased,
                       can_reveal_pan=can(user, "reveal_pan"),
                       can_erase=can(user, "erase") and not customer.erased,
                       can_export=can(user, "export") and not customer.erased,
                       suspended=is_suspended(user))
        return context


class RevealView(VaultPage):
    """The reveal form: a fresh second factor first, then a typed reason; shows the value once."""

    template_name = "vault/reveal.html"
    needs = "reveal"

    def _field(self) -> str:
        field = self.request.GET.get("field") or self.request.POST.get("field", "")
        if field not in FIELDS:
            raise Http404("no such field")
        return field

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self._field() == "card_number" and not can(request.user, "reveal_pan"):
            raise PermissionDenied("your role sees only the last four digits of a card number")
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        field = self._field()
        context.update(customer=self.customer(), field=field, label=FIELDS[field],
                       title=f"Reveal {FIELDS[field].lower()}", min_reason=reason_min_length())
        return context

    @sensitive_variables()
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        reason = request.POST.get("reason", "")
        context["reason"] = reason
        try:
            context["value"] = reveal_field(request.user, context["customer"], context["field"],
                                            reason, stepped_up=has_recent_second_factor(request),
                                            request=request)
            context["revealed"] = True
        except (RevealRefused, CustomerErased) as exc:
            context["error"] = str(exc)
            context["error_code"] = getattr(exc, "code", "erased")
            if context["error_code"] == "step_up_required":
                context["step_up_url"] = (reverse("identity:step_up") + "?next="
                                          + request.get_full_path())
        response = render(request, self.template_name, context,
                          status=200 if context.get("revealed") else 403)
        response["Cache-Control"] = "no-store"
        return response


class CustomerExportView(VaultPage):
    """Subject-access export: one customer's data as a JSON download, after a fresh second
    factor and a typed reason (every reveal condition; counts toward the bulk limit)."""

    template_name = "vault/export.html"
    needs = "export"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(customer=self.customer(), title="Subject-access export",
                       min_reason=reason_min_length())
        return context

    @sensitive_variables()
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        customer = context["customer"]
        try:
            export = subject_access_export(request.user, customer,
                                           reason=request.POST.get("reason", ""),
                                           stepped_up=has_recent_second_factor(request),
                                           request=request)
        except (RevealRefused, CustomerErased) as exc:
            context.update(error=str(exc), error_code=getattr(exc, "code", "erased"),
                           reason=request.POST.get("reason", ""))
            if context["error_code"] == "step_up_required":
                context["step_up_url"] = (reverse("identity:step_up") + "?next="
                                          + request.get_full_path())
            response = render(request, self.template_name, context, status=403)
            response["Cache-Control"] = "no-store"
            return response
        response = HttpResponse(json.dumps(export, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{customer.pk}.json"')
        response["Cache-Control"] = "no-store"
        return response


class CustomerEraseView(VaultPage):
    """Erase a customer (crypto-shredding) after typing ERASE and a reason; needs step-up."""

    template_name = "vault/erase.html"
    needs = "erase"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(customer=self.customer(), title="Erase customer")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        if not has_recent_second_factor(request):
            return step_up_redirect(request)
        if request.POST.get("confirm", "").strip() != "ERASE":
            context["error"] = "Type ERASE to confirm: this cannot be undone."
        else:
            try:
                erase_customer(request.user, context["customer"],
                               reason=request.POST.get("reason", ""), request=request)
                return HttpResponseRedirect(reverse("vault:customer",
                                                    args=[context["customer"].pk]))
            except (RevealRefused, CustomerErased) as exc:
                context["error"] = str(exc)
        return render(request, self.template_name, context, status=400)


class SuspensionListView(VaultPage):
    """Reveal alarms: open bulk-reveal alerts (acknowledge) and reveal rights suspended by the
    alarm (restore), for the agents of a supervisor's team or, for a security admin, anyone."""

    template_name = "vault/suspensions.html"
    needs = "restore"
    title = "Reveal alarms"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        watched = watched_users(self.request.user).values("pk")
        context["suspensions"] = list(RevealSuspension.objects.filter(
            lifted_at__isnull=True, user__in=watched).select_related("user")
            .order_by("-created")[:200])
        context["alerts"] = open_alerts(self.request.user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            alert_id, user_id = request.POST.get("alert", ""), request.POST.get("user", "")
            if alert_id:
                alert = (VaultAlert.objects.filter(pk=alert_id).select_related("user").first()
                         if alert_id.isdigit() else None)
                if alert is None:
                    raise Http404("no such alert")
                acknowledge_alert(request.user, alert, request=request)
            else:
                user = (get_user_model().objects.filter(pk=user_id).first()
                        if user_id.isdigit() else None)
                if user is None:
                    raise Http404("no such user")
                restore_reveal(request.user, user, request.POST.get("reason", ""),
                               request=request)
        except RevealRefused as exc:
            context = self.get_context_data(**kwargs)
            context["error"] = str(exc)
            return render(request, self.template_name, context, status=403)
        return HttpResponseRedirect(reverse("vault:suspensions"))
