"""Keep each site's `revision` current, so cached decision snapshots never go stale.

Any saved or deleted definition object (zone, door, person, card, schedule...) and any change
to the many-to-many links between them bumps its site's revision. Live state (locations,
pending presentations) and door events are not part of the definition and bump nothing. The
importer suspends the per-object bumps and bumps once at the end.

Each bump also writes the site's change journal (`SiteChange`) in the same transaction: the new
revision and, when the change was confined to one person (their record, a credential, their
own access levels), that person. Door controllers' snapshots re-read only those people.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

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


# How many journal rows each site keeps: a controller further behind rebuilds in full.
JOURNAL_KEPT = 10_000
_NOT_CONFINED = "_vaultdoor_change_not_confined"


def _person_scope(instance: Any) -> tuple[int, str] | None:
    """(pk, id) of the one person a change of `instance` is confined to, else None."""
    from vaultdoor.people.models import Biometric, Card, Person, Pin

    if getattr(instance, _NOT_CONFINED, False):
        return None
    if isinstance(instance, Person):
        return int(instance.pk), instance.code
    if isinstance(instance, Card | Pin | Biometric):
        return int(instance.person_id), instance.person.code
    return None


def _bump(instance: Any) -> None:
    if getattr(_local, "suspended", 0):
        return
    from vaultdoor.facilities.models import Site

    site_id = site_id_of(instance)
    if site_id is None:
        return
    from django.db.models import F

    from vaultdoor.access.models import SiteChange

    scope = _person_scope(instance)
    with transaction.atomic():
        # The UPDATE holds the site's row until commit: no other bump can come between it
        # and reading the revision it made.
        Site.objects.filter(pk=site_id).update(revision=F("revision") + 1)
        revision = Site.objects.filter(pk=site_id).values_list("revision", flat=True).get()
        SiteChange.objects.create(
            site_id=site_id, revision=revision,
            person_pk=scope[0] if scope else None, person_code=scope[1] if scope else "",
        )
        if revision % 1000 == 0:
            SiteChange.objects.filter(site_id=site_id,
                                      revision__lte=revision - JOURNAL_KEPT).delete()


def _before_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A person whose id or site changes, or a credential moving to another person, touches
    more than one person's entry: mark the change as not confined."""
    if raw or instance.pk is None or getattr(_local, "suspended", 0):
        return
    from vaultdoor.people.models import Person

    if isinstance(instance, Person):
        fields, now = ("code", "site_id"), (instance.code, instance.site_id)
    else:
        fields, now = ("person_id",), (instance.person_id,)
    before = sender.objects.filter(pk=instance.pk).values_list(*fields).first()
    if before is not None and tuple(before) != now:
        setattr(instance, _NOT_CONFINED, True)


def _on_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _bump(instance)
        if hasattr(instance, _NOT_CONFINED):
            delattr(instance, _NOT_CONFINED)


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
    for model in (Person, Card, Pin, Biometric):
        pre_save.connect(_before_save, sender=model,
                         dispatch_uid=f"vaultdoor-revision-{model._meta.label_lower}-pre")
    for through in (AccessLevel.zones.through, Role.access_levels.through,
                    Person.access_levels.through):
        m2m_changed.connect(
            _on_m2m, sender=through, dispatch_uid=f"vaultdoor-revision-{through.__name__}"
        )
