"""Roles as Django groups with least-privilege permissions, kept in step with this file.

Each role lists permission patterns (`app_label.codename`, shell-style wildcards). After every
migrate the groups are created and their permissions set to exactly what matches, so a role
never keeps a permission this file no longer grants. Agents have no console permission at all:
they use the self-service portal, which needs only a login.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission

from .choices import RoleChoices

__all__ = ["ROLE_PERMISSIONS", "role_group", "role_permissions", "sync_roles"]

_VIEW_ALL = ("facilities.view_*", "people.view_*", "access.view_*", "controllers.view_*",
             "audit.view_*")

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Everything in the console, but not `access.decide`: asking doors for decisions is for
    # door controllers and integrations (API tokens with the `decide` scope).
    RoleChoices.SECURITY_ADMIN: (
        "facilities.*", "people.*", "access.add_*", "access.change_*", "access.delete_*",
        "access.view_*", "controllers.*", "audit.view_*", "identity.*", "vetting.*",
        "mail.*",
    ),
    # Buildings, doors, controllers and schedules; sees door events to maintain doors, but
    # not who people are beyond what a door event shows.
    RoleChoices.FACILITIES: (
        "facilities.*", "controllers.*", "access.view_schedule", "access.view_holiday",
        "access.view_doorevent",
    ),
    # People records and their vetting; no say over doors or access levels.
    RoleChoices.HR_VETTING: (
        "people.view_person", "people.change_person", "people.add_person",
        "people.view_card", "access.view_role", "vetting.*",
    ),
    # Console accounts and integration tokens; no physical-access data.
    RoleChoices.IT: (
        "identity.view_account", "identity.add_account", "identity.change_account",
        "identity.view_apitoken", "identity.add_apitoken", "identity.delete_apitoken",
        "controllers.view_controller",
    ),
    # Their floor's people and door events, read only.
    RoleChoices.SUPERVISOR: (
        "facilities.view_site", "facilities.view_floor", "facilities.view_zone",
        "facilities.view_door", "people.view_person", "people.view_card",
        "access.view_doorevent",
    ),
    # Everything, read only: the evidence an assessor needs.
    RoleChoices.AUDITOR: (*_VIEW_ALL, "identity.view_account", "identity.view_apitoken",
                          # vetting decisions but never findings (sensitive personal data)
                          "vetting.view_backgroundcheck", "vetting.view_adjudication",
                          "vetting.view_adverseaction", "vetting.view_onboardingitem",
                          "vetting.view_termination",
                          # awareness training is evidence too (PCI DSS 12.6): campaign
                          # results and who completed their training, not the mail itself
                          "mail.view_campaign", "mail.view_campaigntarget",
                          "mail.view_trainingmodule", "mail.view_trainingassignment"),
    RoleChoices.AGENT: (),
}


def _all_permissions() -> list[tuple[int, str]]:
    rows = Permission.objects.values_list("pk", "content_type__app_label", "codename")
    return [(pk, f"{app}.{codename}") for pk, app, codename in rows]


def role_permissions(role: str, available: list[tuple[int, str]] | None = None) -> set[str]:
    """The `app_label.codename` permissions a role grants (of those that exist)."""
    patterns = ROLE_PERMISSIONS[role]
    rows = available if available is not None else _all_permissions()
    return {name for _, name in rows if any(fnmatch(name, p) for p in patterns)}


def role_group(role: str) -> Group:
    """The role's group (created if missing)."""
    group, _ = Group.objects.get_or_create(name=RoleChoices(role).label)
    return group


def sync_roles() -> None:
    """Create every role's group and set its permissions to exactly what the role grants."""
    available = _all_permissions()
    ids = {name: pk for pk, name in available}
    for role in RoleChoices:
        granted = role_permissions(role.value, available)
        role_group(role.value).permissions.set([ids[name] for name in granted])


def sync_roles_after_migrate(sender: Any, app_config: Any = None, using: str = "default",
                             apps: Any = global_apps, **kwargs: Any) -> None:
    """post_migrate receiver: sync once, after the last app's permissions exist."""
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if app_config is None or not with_models or app_config.label != with_models[-1].label:
        return
    sync_roles()
