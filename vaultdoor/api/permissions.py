"""Who may use the API: model view permissions to read, `access.decide` to ask a door."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions

__all__ = ["CanDecide", "ViewModelPermissions"]


class ViewModelPermissions(permissions.DjangoModelPermissions):
    """Reading needs the model's `view` permission (Django's `DjangoModelPermissions` lets any
    authenticated user read); anything else needs the usual add/change/delete permission."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class CanDecide(permissions.BasePermission):
    """Asking for an access decision moves people in the live state and writes the audit
    log, so it needs the explicit `access.decide` permission (door controllers, integrations)."""

    message = "You need the permission access.decide to request access decisions."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("access.decide"))
