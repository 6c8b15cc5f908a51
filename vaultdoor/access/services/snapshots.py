"""The compiled decision snapshot of each site, cached per process and keyed by revision.

Compiling a site reads every active row, so a decision must not do it each time: the cache
keeps one compiled site per site and recompiles only when the site's `revision` moved (an
import or an admin edit bumps it; see `signals.py`). The decision transaction reads the
revision after locking the site row, so it always decides against the current definition.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from vaultdoor.engine.snapshot import compile_site
from vaultdoor.facilities.models import Door, Site, Zone
from vaultdoor.people.models import Person

from .sitedb import site_from_db

__all__ = ["CompiledSite", "clear_snapshot_cache", "compiled_site"]


@dataclass(frozen=True)
class CompiledSite:
    """A site's snapshot plus the maps from the engine's ids to database keys."""

    key: tuple[Any, ...]
    snapshot: Any
    people: dict[str, int]
    zones: dict[str, int]
    doors: dict[str, int]
    zone_codes: dict[int, str]
    person_codes: dict[int, str]


_cache: dict[int, CompiledSite] = {}
_lock = threading.Lock()


def _key(site: Site) -> tuple[Any, ...]:
    # `created` tells apart two sites that reused a primary key (a rolled-back test database).
    return (site.pk, site.created, site.revision)


def compiled_site(site: Site) -> CompiledSite:
    """The compiled snapshot of `site` at its current revision (compiled at most once)."""
    entry = _cache.get(site.pk)
    if entry is not None and entry.key == _key(site):
        return entry
    with _lock:
        entry = _cache.get(site.pk)
        if entry is not None and entry.key == _key(site):
            return entry
        people = dict(Person.objects.filter(site=site, active=True).values_list("code", "pk"))
        zones = dict(Zone.objects.filter(site=site, active=True).values_list("code", "pk"))
        doors = dict(Door.objects.filter(site=site, active=True).values_list("code", "pk"))
        entry = CompiledSite(
            key=_key(site),
            snapshot=compile_site(site_from_db(site)),
            people=people,
            zones=zones,
            doors=doors,
            zone_codes={pk: code for code, pk in zones.items()},
            person_codes={pk: code for code, pk in people.items()},
        )
        _cache[site.pk] = entry
        return entry


def clear_snapshot_cache() -> None:
    """Forget every compiled site (tests; a process never needs it)."""
    with _lock:
        _cache.clear()
