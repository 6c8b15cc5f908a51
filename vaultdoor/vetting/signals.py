"""Keep the vetting app authoritative over the people it manages.

A site import, the admin or the API may save a person with the vetting or status their site
file says. For a person with background checks here, the effective vetting computed from the
checks is written back at once; a terminated person stays terminated. Both happen in the
saving transaction, so no door decision ever sees the overwritten values.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import post_save

__all__ = ["connect", "writing_vetting"]

_FIELDS = frozenset({"vetting_status", "vetting_completed", "vetting_expires",
                     "vetting_findings", "status"})
_local = threading.local()


@contextmanager
def writing_vetting() -> Iterator[None]:
    """The vetting app itself is saving a person: the guard has nothing to correct."""
    depth = getattr(_local, "busy", 0)
    _local.busy = depth + 1
    try:
        yield
    finally:
        _local.busy = depth


def _keep(sender: type, instance: Any, created: bool = False, raw: bool = False,
          update_fields: Any = None, **kwargs: Any) -> None:
    if raw or created or getattr(_local, "busy", False):
        return
    if update_fields is not None and _FIELDS.isdisjoint(update_fields):
        return
    from vaultdoor.audit import record
    from vaultdoor.people.choices import PersonStatusChoices
    from vaultdoor.people.models import Person

    from .models import BackgroundCheck, Termination
    from .services.effective import apply_vetting

    terminated = (instance.status != PersonStatusChoices.TERMINATED
                  and Termination.objects.filter(person_id=instance.pk).exists())
    managed = BackgroundCheck.objects.filter(person_id=instance.pk).exists()
    if not (terminated or managed):
        return
    with writing_vetting():
        if terminated:
            Person.objects.filter(pk=instance.pk).update(status=PersonStatusChoices.TERMINATED)
            instance.status = PersonStatusChoices.TERMINATED
            record("lifecycle.kept_terminated", target_type="person", target_id=instance.code,
                   site=getattr(instance.site, "code", ""))
        if managed:
            apply_vetting(instance, cause="a save overwrote the vetting computed from checks")


def connect() -> None:
    """Connect the guard to `people.Person` (called from `ready()`)."""
    from vaultdoor.people.models import Person

    post_save.connect(_keep, sender=Person, dispatch_uid="vaultdoor-vetting-keep")
