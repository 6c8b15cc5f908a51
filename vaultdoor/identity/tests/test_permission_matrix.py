"""The whole-project permission matrix: every URL the project serves (bar Django's admin,
which has its own staff check) is classified, and every role is tried against every one.

- Console pages and actions (`ConsoleView`): the permissions the view names, per action.
- The customer vault's pages and API: the vault capability of the role (`vault.policy`).
- REST API viewsets: the model's `view_` permission.
- Machine endpoints (door controllers, the screening provider's webhook, access decisions):
  no person's session gets anything from them.
- The sign-in flow, enrolment links and mail token links are public by design; the portal
  pages need only a sign-in.

A URL that fits none of these fails the test, so a new page cannot slip past the matrix.
Allowed means neither 401 nor 403 (nor a server error): a missing object's 404, a step-up
redirect or a form's 400 still show that the permission check let the role through. POST-only
actions are tried against an object id that does not exist, so nothing changes.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from vaultdoor.identity.choices import RoleChoices
from vaultdoor.identity.roles import role_permissions, sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role

pytestmark = pytest.mark.django_db

MISSING = 999_999

PUBLIC = {
    "identity:login", "identity:verify", "identity:logout", "identity:welcome",
    "identity:passkey_authenticate", "console:login", "mail:click", "mail:report_link",
    "mail:open_pixel", "mail:landing",
    "api:schema",  # the OpenAPI document is public on purpose (docs/api.md)
}
ANY_ACCOUNT = {
    "identity:enrol", "identity:recovery_codes", "identity:step_up", "identity:passkey_register",
    "identity:portal", "identity:password_change", "identity:logout_everywhere",
    "identity:remove_factor", "identity:end_session", "mail:mine", "mail:my_training",
    "mail:training_module", "mail:my_reports", "console:logout",
}
MACHINES = {
    "api:access-decisions", "api:vetting-webhook", "api:controller-enrol",
    "api:controller-snapshot", "api:controller-deltas", "api:controller-events",
    "api:controller-heartbeat", "api:controller-snapshot-named", "api:controller-deltas-named",
}
# The values a `<str:action>` takes, for views without an ACTIONS table of their own (every
# one is tried).
ACTIONS = {
    "console:mail:quarantine_action": ["release", "delete"],
    "console:mail:report_action": ["triage"],
    "console:mail:queue_action": ["retry", "delete"],
    "console:controllers:alarm_action": ["acknowledge", "clear"],
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            inner = (f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _arguments(pattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    assert isinstance(pattern.pattern, RegexPattern)
    return list(pattern.pattern.regex.groupindex)


def _view_class(pattern):
    callback = pattern.callback
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _methods(pattern, view) -> list[str]:
    actions = getattr(pattern.callback, "actions", None)
    if actions:  # a DRF viewset route
        return sorted(m.upper() for m in actions)
    allowed = [m for m in ("get", "post") if hasattr(view, m)]
    names = getattr(view, "http_method_names", None) or allowed
    return [m.upper() for m in allowed if m in names]


def _first_pk(view) -> int:
    model = getattr(view, "model", None)
    queryset = getattr(view, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    if model is None:
        return MISSING
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return first if first is not None else MISSING


def _rule(name, pattern, view, kwargs):
    """What a role needs for this URL: ('perms', set), ('vault', capability), or a kind."""
    from vaultdoor.api.permissions import CanDecide, ViewModelPermissions
    from vaultdoor.console.views.base import ConsoleView
    from vaultdoor.vault.api.views import CanViewVault
    from vaultdoor.vault.views import VaultPage

    for kind, names in (("public", PUBLIC), ("any_account", ANY_ACCOUNT),
                        ("machines", MACHINES)):
        if name in names:
            return (kind, None)
    if isinstance(view, type) and issubclass(view, VaultPage):
        return ("vault", view.needs)
    if isinstance(view, type) and issubclass(view, ConsoleView):
        instance = view()
        instance.kwargs = kwargs
        return ("perms", set(instance.get_permission_required()))
    classes = list(getattr(view, "permission_classes", ()) or ())
    if CanViewVault in classes:
        return ("vault", "view")
    if ViewModelPermissions in classes:
        model = view.queryset.model
        return ("perms", {f"{model._meta.app_label}.view_{model._meta.model_name}"})
    if CanDecide in classes:
        return ("machines", None)
    # A permission class that needs one named permission says which (e.g. compliance's).
    needed = {getattr(c, "required_permission", None) for c in classes} - {None}
    if needed:
        return ("perms", needed)
    return None


def _cases():
    """(url, method, rule) for every classified URL; raises on one that is not classified."""
    cases, unclassified = [], []
    for name, pattern in _walk(get_resolver().url_patterns):
        view = _view_class(pattern)
        arguments = _arguments(pattern)
        methods = _methods(pattern, view) if view else ["GET"]
        post_only = "GET" not in methods
        variants = [{}]
        if "action" in arguments:
            values = ACTIONS.get(name) or sorted(getattr(view, "ACTIONS", None) or [])
            variants = [{"action": value} for value in values]
            if not variants:
                unclassified.append(f"{name}: which actions?")
                continue
        for extra in variants:
            kwargs = dict(extra)
            for argument in arguments:
                if argument == "pk":
                    real = MISSING if post_only else _first_pk(view)
                    whole = isinstance(pattern.pattern, RoutePattern) and "<int:pk>" in str(
                        pattern.pattern)
                    kwargs["pk"] = real if (real != MISSING or whole) else "no-such-id"
                elif argument == "seq":
                    from vaultdoor.audit.models import AuditEvent

                    kwargs["seq"] = AuditEvent.objects.order_by("seq").values_list(
                        "seq", flat=True).first() or MISSING
                elif argument not in kwargs:
                    kwargs[argument] = "no-such-" + argument
            rule = _rule(name, pattern, view, kwargs)
            if rule is None:
                unclassified.append(name)
                continue
            url = reverse(name, kwargs=kwargs or None)
            cases.append((name, url, "GET" if not post_only else "POST", rule))
    assert unclassified == [], f"URLs the matrix does not know how to check: {unclassified}"
    return cases


@pytest.fixture
def seeded(db, django_user_model):
    from vaultdoor.testing.seed import seed_example_site

    seed_example_site()
    sync_roles()
    account_for(django_user_model.objects.create_user("matrix-target"))


def _allowed(rule, role: str) -> bool | None:
    from vaultdoor.vault.policy import CAPABILITIES

    kind, need = rule
    if kind == "perms":
        return need <= role_permissions(role)
    if kind == "vault":
        return need in CAPABILITIES.get(role, frozenset())
    if kind == "any_account":
        return True
    if kind == "machines":
        return False
    return None  # public: not a question of roles


def test_every_url_is_classified_and_every_role_gets_exactly_its_share(
        seeded, client, django_user_model):
    cases = _cases()
    names = {name for name, *_ in cases}
    # the matrix reaches beyond the console and the router: vault, mail, machines, portal
    assert {"vault:customer_list", "vault:reveal", "api:customer-list", "api:customer-reveal",
            "api:mail-quarantine-list", "api:controller-snapshot", "api:vetting-webhook",
            "api:identity-account-list", "api:identity-token-detail",
            "console:accounts:reset_factors", "console:accounts:new",
            "console:accounts:new_token", "console:accounts:revoke_token",
            "console:accounts:tokens", "console:accounts:change_role",
            "console:accounts:disable", "console:accounts:enable", "console:vetting:action",
            "mail:mine",
            "identity:portal", "console:mail:message_template_edit",
            "console:mail:landing_page_new", "console:mail:training_module"} <= names
    unexpected = []
    for role in RoleChoices:
        user = django_user_model.objects.create_user(f"m-{role.value}")
        assign_role(account_for(user), role.value)
        client.force_login(user)
        for name, url, method, rule in cases:
            allowed = _allowed(rule, role.value)
            if allowed is None or name in {"identity:logout", "console:logout",
                                           "identity:logout_everywhere"}:
                continue  # public, or would end this session
            if method == "POST" and rule[0] == "any_account":
                continue  # the portal's own actions change the account; login-only by class
            if method == "GET":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.post(url, {}, content_type="application/json")
            else:
                response = client.post(url, {})
            status = response.status_code
            if status >= 500:
                unexpected.append((role.value, method, url, status, "server error"))
            elif allowed and status in (401, 403):
                unexpected.append((role.value, method, url, status, "refused, should pass"))
            elif not allowed and rule[0] != "machines" and status not in (401, 403):
                unexpected.append((role.value, method, url, status, "passed, should refuse"))
            elif not allowed and rule[0] == "machines" and 200 <= status < 300:
                unexpected.append((role.value, method, url, status, "a person used a machine "
                                                                    "endpoint"))
        client.logout()
    assert unexpected == []


def test_anonymous_is_sent_to_sign_in_or_refused_everywhere_but_public(seeded, client):
    for name, url, method, rule in _cases():
        if rule[0] == "public":
            continue
        response = client.get(url) if method == "GET" else client.post(url, {})
        if url.startswith("/api/"):
            assert response.status_code in (400, 401, 403, 405), (name, url,
                                                                  response.status_code)
        else:
            assert response.status_code in (302, 403, 405), (name, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("identity:login")), (name, url)


# Who may do the sensitive things, pinned by hand: a view that stops asking for its permission
# (or a role that gains one) shows up here, not only as a view that enforces what it names.
SENSITIVE = {
    ("console:accounts:reset_factors", ""): {"security_admin", "it"},
    ("console:accounts:new", ""): {"security_admin", "it"},
    ("console:accounts:new_link", ""): {"security_admin", "it"},
    ("console:accounts:change_role", ""): {"security_admin", "it"},
    ("console:accounts:disable", ""): {"security_admin", "it"},
    ("console:accounts:enable", ""): {"security_admin", "it"},
    ("console:accounts:new_token", ""): {"security_admin", "it"},
    ("console:accounts:revoke_token", ""): {"security_admin", "it"},
    ("console:accounts:tokens", ""): {"security_admin", "it", "auditor"},
    ("console:vetting:terminate", ""): {"security_admin", "hr_vetting"},
    ("console:vetting:action", "finding"): {"security_admin", "hr_vetting"},
    ("console:vetting:action", "adjudicate"): {"security_admin", "hr_vetting"},
    ("console:vetting:action", "final"): {"security_admin", "hr_vetting"},
    ("vault:reveal", ""): {"agent", "supervisor"},
    ("vault:erase", ""): {"supervisor", "security_admin"},
    # the API admits every vault viewer to the endpoint; reveal_field then refuses roles
    # without the capability (403, vaultdoor/vault/tests)
    ("api:customer-reveal", ""): {"agent", "supervisor", "security_admin", "auditor"},
    ("api:access-decisions", ""): set(),
    # the account and token inventories (read only): the identity administrators and the
    # auditor, never an agent
    ("api:identity-account-list", ""): {"security_admin", "it", "auditor"},
    ("api:identity-account-detail", ""): {"security_admin", "it", "auditor"},
    ("api:identity-token-list", ""): {"security_admin", "it", "auditor"},
    ("api:identity-token-detail", ""): {"security_admin", "it", "auditor"},
    ("api:vetting-webhook", ""): set(),
    # what campaigns are made from: only the security team writes them; the auditor reads
    # training modules (evidence), never the simulated phish itself
    ("console:mail:message_template_list", ""): {"security_admin"},
    ("console:mail:message_template_new", ""): {"security_admin"},
    ("console:mail:message_template_edit", ""): {"security_admin"},
    ("console:mail:landing_page_list", ""): {"security_admin"},
    ("console:mail:landing_page_new", ""): {"security_admin"},
    ("console:mail:landing_page_edit", ""): {"security_admin"},
    ("console:mail:training_module_list", ""): {"security_admin", "auditor"},
    ("console:mail:training_module_new", ""): {"security_admin"},
    ("console:mail:training_module_edit", ""): {"security_admin"},
    ("console:mail:sending_profile_list", ""): {"security_admin"},
    ("console:mail:sending_profile_new", ""): {"security_admin"},
    ("console:mail:sending_profile_edit", ""): {"security_admin"},
    ("console:mail:message_template_delete", ""): {"security_admin"},
    ("console:mail:landing_page_delete", ""): {"security_admin"},
    ("console:mail:training_module_delete", ""): {"security_admin"},
    ("console:mail:sending_profile_delete", ""): {"security_admin"},
    # the gateway's queue: retrying or deleting what the next hop refused
    ("console:mail:queue", ""): {"security_admin"},
    ("console:mail:queue_action", ""): {"security_admin"},
    # the compliance scores and their evidence: the security admin and the auditor
    ("console:compliance:report", ""): {"security_admin", "auditor"},
    ("api:compliance-report", ""): {"security_admin", "auditor"},
}


def test_sensitive_actions_belong_to_the_pinned_roles(seeded):
    seen = {}
    for name, url, _method, rule in _cases():
        action = url.rstrip("/").rsplit("/", 1)[1] if name == "console:vetting:action" else ""
        if (name, action) in SENSITIVE:
            seen[(name, action)] = {role.value for role in RoleChoices
                                    if _allowed(rule, role.value)}
    assert seen == SENSITIVE
