"""What every console page has in common: login, a view permission, the site and navigation.

Deny by default: a console view is login-required and needs every permission it names;
anonymous visitors go to the login page, signed-in users without the permission get 403.
"""

from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from vaultdoor.console.filters import FilterForm
from vaultdoor.facilities.models import Floor, Site

__all__ = ["ConsoleView", "ObjectDetailView", "ObjectListView", "PageView", "current_site"]


SITE_SESSION_KEY = "console_site"
MAX_SITE_LINKS = 12


def current_site(request: HttpRequest) -> Site | None:
    """The site the page is about: `?site=<id>` if it names an active site (remembered for the
    next pages), else the one chosen before, else the first."""
    sites = Site.objects.filter(active=True).order_by("code")
    asked = request.GET.get("site", "")
    if asked:
        chosen = sites.filter(code=asked).first()
        if chosen is not None:
            if request.session.get(SITE_SESSION_KEY) != asked:
                request.session[SITE_SESSION_KEY] = asked
            return chosen
    remembered = request.session.get(SITE_SESSION_KEY, "")
    if remembered:
        chosen = sites.filter(code=remembered).first()
        if chosen is not None:
            return chosen
    return sites.first()


class ConsoleView(LoginRequiredMixin, PermissionRequiredMixin):
    """A signed-in page that needs `permission_required` (a tuple; empty means login only)."""

    permission_required: ClassVar[tuple[str, ...]] = ()
    nav: ClassVar[str] = ""
    title: ClassVar[str] = ""
    raise_exception = False  # anonymous -> login page; signed in without permission -> 403

    def get_permission_required(self) -> tuple[str, ...]:
        return tuple(self.permission_required)

    def handle_no_permission(self) -> Any:
        """Anonymous: to the login page. Signed in without the permission: 403, recorded in
        the audit log (probing for pages one may not see is worth knowing about)."""
        user = self.request.user
        if not user.is_authenticated and self.request.headers.get("HX-Request"):
            # An htmx request (the live feed polling after the session ended) must not swap
            # the login page into the page: tell htmx to load it as a whole page instead.
            page = self.request.headers.get("HX-Current-URL", "")
            target = redirect_to_login(urlparse(page).path or "/", resolve_url(settings.LOGIN_URL))
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target["Location"]
            return response
        if user.is_authenticated:
            from vaultdoor.audit import record

            record("auth.permission_denied", actor=user.get_username(), target_type="page",
                   target_id=self.request.path[:128], request=self.request,
                   needs=list(self.get_permission_required()))
        return super().handle_no_permission()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.site = current_site(request) if request.user.is_authenticated else None
        if self.site is not None:
            # Times on the page read as the site's wall clock, as the people there see it.
            try:
                timezone.activate(zoneinfo.ZoneInfo(self.site.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            response = super().dispatch(request, *args, **kwargs)
            # Render now, while the site's time zone is active: a TemplateResponse would
            # otherwise render after this method returns.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response
        finally:
            timezone.deactivate()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(self.navigation())
        context.setdefault("title", self.title)
        return context

    def navigation(self) -> dict[str, Any]:
        """The sidebar: this site's floors (one query), the other sites, the current item."""
        floors: QuerySet | list = []
        sites: list[Site] = []
        if self.site is not None:
            floors = list(
                Floor.objects.filter(site=self.site, active=True).order_by("-level", "code")
            )
            sites = list(
                Site.objects.filter(active=True).exclude(pk=self.site.pk)
                .order_by("code")[:MAX_SITE_LINKS]
            )
        return {"nav": self.nav, "site": self.site, "nav_floors": floors, "other_sites": sites}


class PageView(ConsoleView, TemplateView):
    """A console page that is not a list or a single object (dashboard, live feed)."""


class ObjectListView(ConsoleView, ListView):
    """A searchable, filterable, paginated list of one model (NetBox's ObjectListView).

    Subclasses set `model`, `filter_form`, `table_template` and `queryset_for()`; the list
    template is shared, the table rows are the model's own template.
    """

    filter_form: ClassVar[type[FilterForm]] = FilterForm
    table_template: ClassVar[str] = ""
    template_name = "console/object_list.html"
    paginate_by = 50
    # the largest page a ?per_page= may ask for
    max_per_page: ClassVar[int] = 200
    # What an empty list says before any filter is applied: how to make the first one.
    empty_hint: ClassVar[str] = ""

    def queryset_for(self) -> QuerySet:
        """The rows before filtering, with their related rows fetched (no N+1 on the table)."""
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model")
        return self.model._default_manager.all()

    def get_queryset(self) -> QuerySet:
        self.form = self.filter_form(self.request.GET)
        return self.form.apply(self.queryset_for())

    def get_paginate_by(self, queryset: QuerySet) -> int:
        try:
            wanted = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return max(10, min(wanted, self.max_per_page))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.form,
            filtered=any(v for k, v in self.request.GET.items() if k not in {"page", "per_page"}),
            table_template=self.table_template,
            querystring=query.urlencode(),
            title=self.title or self.model._meta.verbose_name_plural.capitalize(),
        )
        return context


class ObjectDetailView(ConsoleView, DetailView):
    """One object's page; subclasses set `model`, `template_name` and `queryset_for()`."""

    def queryset_for(self) -> QuerySet:
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model")
        return self.model._default_manager.all()

    def get_queryset(self) -> QuerySet:
        return self.queryset_for()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = getattr(self.object, "name", "") or str(self.object)
        return context
