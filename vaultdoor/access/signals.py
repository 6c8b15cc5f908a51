"""Keep each site's `revision` current, so cached decision snapshots never go stale.

Any saved or deleted definition object (zone, door, person, card, schedule...) and any change
to the many-to-many links between them bumps its site's revision. Live state (locations,
pending presentations) and door events are not part of the definition and bump nothing. The
importer suspends the per-object bumps and bumps once at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

__all__ = ["connect", "revision_bumps_suspended", "site_id_of"]

_local = threading.local()


@contextmanager
def revision_bumps_suspended() -> Iterator[None]:
    """Within this block, changes do not bump revisions (the caller bumps once itself)."""
    depth = getattr(_local, "suspended", 0)
    _local.suspended = depth + 1
    try:
        yield
    finally:
        _local.suspended = depth


def site_id_of(instance: Any) -> int | None:
    """The primary key of the site a definition object belongs to."""
    from vaultdoor.facilities.models import Site

    if isinstance(instance, Site):
        return int(instance.pk)
    if getattr(instance, "site_id", None) is not None:
        return int(instance.site_id)
    person = getattr(instance, "person", None)
    if person is not None:
        return int(person.site_id)
    return None


def _bump(instance: Any) -> None:
    if getattr(_local, "suspended", 0):
        return
    from vaultdoor.facilities.models import Site

    site_id = site_id_of(instance)
    if site_id is not None:
        from django.db.models import F

        Site.objects.filter(pk=site_id).update(revision=F("revision") + 1)


def _on_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _bump(instance)


def _on_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    _bump(instance)


def _on_m2m(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _bump(instance)


def connect() -> None:
    """Connect the handlers to every model that defines a site (called from `ready()`)."""
    from vaultdoor.access.models import AccessLevel, Holiday, Role, Schedule
    from vaultdoor.facilities.models import Door, Floor, Site, Zone
    from vaultdoor.people.models import Biometric, Card, Person, Pin

    for model in (Site, Floor, Zone, Door, Schedule, Holiday, AccessLevel, Role, Person, Card,
                  Pin, Biometric):
        uid = f"vaultdoor-revision-{model._meta.label_lower}"
        post_save.connect(_on_save, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + "-delete")
    for through in (AccessLevel.zones.through, Role.access_levels.through,
                    Person.access_levels.through):
        m2m_changed.connect(
            _on_m2m, sender=through, dispatch_uid=f"vaultdoor-revision-{through.__name__}"
        )
