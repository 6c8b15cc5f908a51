"""Keep each controller's `config_revision` current when its doors change by any path
(service, admin), so its next sync builds a new snapshot."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save

__all__ = ["connect"]


def _bump(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    from .models import Controller

    Controller.objects.filter(pk=instance.controller_id).update(
        config_revision=F("config_revision") + 1
    )


def connect() -> None:
    """Connect the handlers (called from `ready()`)."""
    from .models import ControllerDoor

    post_save.connect(_bump, sender=ControllerDoor, dispatch_uid="vaultdoor-controller-door-save")
    post_delete.connect(_bump, sender=ControllerDoor,
                        dispatch_uid="vaultdoor-controller-door-delete")
