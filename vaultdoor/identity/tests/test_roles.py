"""Roles as groups, and the permission matrix: every role against every console page and API
endpoint, allowed exactly where the role's permissions say."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse

from vaultdoor.identity import clock
from vaultdoor.identity.choices import RoleChoices
from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
from vaultdoor.identity.roles import ROLE_PERMISSIONS, role_permissions, sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_its_permissions():
    sync_roles()
    for role in RoleChoices:
        group = Group.objects.get(name=role.label)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == role_permissions(role.value)
    assert role_permissions("agent") == set()
    auditor = role_permissions("auditor")
    assert auditor and all(".view_" in perm for perm in auditor)
    assert "access.decide" not in role_permissions("supervisor")
    assert "identity.add_apitoken" not in role_permissions("hr_vetting")
    assert set(ROLE_PERMISSIONS) == set(RoleChoices.values)


def test_sync_removes_permissions_a_role_no_longer_grants():
    from django.contrib.auth.models import Permission

    sync_roles()
    group = Group.objects.get(name=RoleChoices.AGENT.label)
    group.permissions.add(Permission.objects.get(codename="view_person"))
    sync_roles()
    assert not group.permissions.exists()


def _walk(patterns, namespace="console"):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield namespace, pattern
        else:
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)


def _needs(view, kwargs) -> set[str]:
    """What the view asks for: `get_permission_required()` where it has one (a view may
    choose by action, e.g. mail's editors: view_ to read, add_ or change_ to save)."""
    if hasattr(view, "get_permission_required"):
        instance = view()
        instance.kwargs = kwargs
        return set(instance.get_permission_required())
    return set(getattr(view, "permission_required", ()) or ())


def _console_pages():
    """(url, required permissions) for every console page that answers GET, with real ids."""
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.console import urls as console_urls

    pages = []
    for namespace, pattern in _walk(console_urls.urlpatterns):
        view = pattern.callback.view_class
        route = str(pattern.pattern)
        if pattern.name in {"login", "logout"} or "<str:" in route:
            continue  # sign-in pages, and POST-only actions
        kwargs = {}
        if "<int:pk>" in route:
            first = view.model.objects.order_by("pk").values_list("pk", flat=True).first()
            if first is None:
                continue
            kwargs["pk"] = first
        if "<int:seq>" in route:
            kwargs["seq"] = AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[0]
        pages.append((reverse(f"{namespace}:{pattern.name}", kwargs=kwargs or None),
                      _needs(view, kwargs)))
    return pages


def _api_endpoints():
    """(url, required permissions) for every list and detail endpoint of the REST API."""
    from vaultdoor.api.urls import router

    endpoints = []
    for prefix, viewset, _basename in router.registry:
        model = viewset.queryset.model
        perm = {f"{model._meta.app_label}.view_{model._meta.model_name}"}
        endpoints.append((f"/api/v1/{prefix}", perm))
        first = model.objects.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            endpoints.append((f"/api/v1/{prefix}/{first}", perm))
    return endpoints


@pytest.fixture
def seeded(db, django_user_model):
    from vaultdoor.testing.seed import seed_example_site

    seed_example_site()
    sync_roles()
    # an account to open: the console's account pages take one's id
    account_for(django_user_model.objects.create_user("matrix-target"))


def test_permission_matrix(seeded, client, django_user_model):
    pages, endpoints = _console_pages(), _api_endpoints()
    assert len(pages) >= 15 and len(endpoints) >= 11
    from vaultdoor.identity.models import Account

    first = Account.objects.order_by("pk").values_list("pk", flat=True)[0]
    assert {"/accounts/", f"/accounts/{first}/", f"/accounts/{first}/reset-second-factors/",
            "/accounts/new/", "/accounts/tokens/", "/accounts/tokens/new/"
            } <= {url for url, _ in pages}
    unexpected = []
    for role in RoleChoices:
        user = django_user_model.objects.create_user(f"r-{role.value}")
        assign_role(account_for(user), role.value)
        granted = role_permissions(role.value)
        client.force_login(user)
        # a second factor just proven: pages that ask for a fresh one (new account, new
        # token) answer 200 too, so only the permission decides
        session = client.session
        session[SESSION_SECOND_FACTOR_AT] = clock.now().timestamp()
        session.save()
        for url, needed in pages:
            allowed = needed <= granted
            status = client.get(url).status_code
            if (status == 200) != allowed or status not in (200, 403):
                unexpected.append((role.value, url, status, allowed))
        for url, needed in endpoints:
            allowed = needed <= granted
            status = client.get(url).status_code
            if (status == 200) != allowed or status not in (200, 403):
                unexpected.append((role.value, url, status, allowed))
        # asking a door for a decision needs access.decide, which no human role has
        status = client.post("/api/v1/access/decisions", {}, content_type="application/json"
                             ).status_code
        if status != 403:
            unexpected.append((role.value, "POST /api/v1/access/decisions", status, False))
        # the self-service portal is every account's (with its mail and training pages)
        for portal in ("identity:portal", "mail:mine", "mail:my_training", "mail:my_reports"):
            if client.get(reverse(portal)).status_code != 200:
                unexpected.append((role.value, reverse(portal), "not 200", True))
        client.logout()
    assert unexpected == []


def test_anonymous_gets_nothing(seeded, client):
    for url, _ in _console_pages():
        assert client.get(url).status_code == 302, url
    for url, _ in _api_endpoints():
        assert client.get(url).status_code in (401, 403), url
    for portal in ("identity:portal", "mail:mine", "mail:my_training", "mail:my_reports"):
        assert client.get(reverse(portal)).status_code == 302, portal
