"""Each controller's entitlements: compiled from the site, filtered to its doors, signed, and
kept as a versioned chain of full snapshots and deltas.

`refresh(controller)` is cheap when nothing changed (it compares the site's and the
controller's revision counters with those the current snapshot was built from) and otherwise
builds the new state, diffs it with the last one, and appends a signed delta.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.access.models import SiteChange
from vaultdoor.access.services.sitedb import people_from_db, site_from_db
from vaultdoor.audit import record
from vaultdoor.edge.envelope import Update, sign_update
from vaultdoor.edge.wire import SiteState, canonical, delta_counts, entity_to_wire, read_entity
from vaultdoor.engine import model as em
from vaultdoor.facilities.models import Site

from ..models import CompiledSnapshot, Controller, ControllerDoor, SnapshotUpdate
from .keys import snapshot_signing_key

__all__ = [
    "DELTA_HISTORY",
    "MAX_PATCHED_REVISIONS",
    "confined_people",
    "controller_settings",
    "door_vetting",
    "filter_person",
    "filter_site",
    "full_update",
    "refresh",
    "updates_since",
]

# How many deltas each controller keeps; one further behind gets a full snapshot instead.
DELTA_HISTORY = 500


def filter_site(site: em.Site, door_ids: set[str]) -> em.Site:
    """Only what a controller for `door_ids` needs: those doors, the zones on either side,
    their floors, the access levels reaching the zones the doors lead into (trimmed to the
    controller's zones), their schedules, the roles carrying those levels, every holiday, and
    the people holding any such level."""
    doors = tuple(d for d in site.doors if d.id in door_ids)
    zone_ids = {z for d in doors for z in (d.from_zone, d.to_zone)} - {em.OUTSIDE}
    # Only a level reaching a zone these doors lead INTO lets anyone through them: leaving
    # checks no level, and whoever leaves a zone entered it through a door they had a level
    # for (or an unlocked one, which identifies nobody).
    entered = {d.to_zone for d in doors}
    zones = tuple(z for z in site.zones if z.id in zone_ids)
    floor_ids = {z.floor for z in zones}
    levels = tuple(
        dataclasses.replace(lv, zones=tuple(z for z in lv.zones if z in zone_ids))
        for lv in site.access_levels if any(z in entered for z in lv.zones)
    )
    level_ids = {lv.id for lv in levels}
    roles = tuple(
        dataclasses.replace(r, access_levels=tuple(a for a in r.access_levels if a in level_ids))
        for r in site.roles if any(a in level_ids for a in r.access_levels)
    )
    role_levels = {r.id: set(r.access_levels) for r in roles}
    people = tuple(
        door_person for door_person in (filter_person(p, level_ids, role_levels)
                                        for p in site.people)
        if door_person is not None
    )
    schedule_ids = {lv.schedule for lv in levels}
    return em.Site(
        id=site.id, name=site.name, timezone=site.timezone,
        floors=tuple(f for f in site.floors if f.id in floor_ids), zones=zones, doors=doors,
        holidays=site.holidays,
        schedules=tuple(s for s in site.schedules if s.id in schedule_ids),
        access_levels=levels, roles=roles, people=people,
    )


def filter_person(person: em.Person, level_ids: Collection[str],
                  role_levels: Mapping[str, Collection[str]]) -> em.Person | None:
    """`person` as a controller holding `level_ids` and the roles `role_levels` (role ->
    its levels among them) sees them, or None when they hold none of those levels."""
    if not (role_levels.get(person.role or "")
            or any(a in level_ids for a in person.access_levels)):
        return None
    return dataclasses.replace(
        person, role=person.role if person.role in role_levels else None,
        access_levels=tuple(a for a in person.access_levels if a in level_ids),
        vetting=door_vetting(person.vetting),
    )


def door_vetting(vetting: em.Vetting) -> em.Vetting:
    """The least of a background check that decides the same at a door: whether it counts
    as cleared, and until when. A controller never holds findings, their categories, the
    completion date or whether a check is pending, adverse or never started; all of those
    become one "not cleared" (`not_started`), which denies exactly where they did."""
    if vetting.status == "cleared" and em.DISQUALIFYING_FINDINGS.isdisjoint(vetting.findings):
        return em.Vetting(status="cleared", expires=vetting.expires)
    return em.Vetting()


def controller_settings(controller: Controller) -> dict[str, Any]:
    """What the edge needs besides entitlements: its name, offline grace and each door's
    failure mode (the edge forces fail-secure for high zones whatever this says)."""
    modes = {
        link.door.code: link.failure_mode or controller.failure_mode
        for link in ControllerDoor.objects.filter(controller=controller, door__active=True)
        .select_related("door")
    }
    return {"name": controller.name, "offline_grace_s": controller.offline_grace_s,
            "failure_modes": dict(sorted(modes.items()))}


@lru_cache(maxsize=4)
def _site_at(site_pk: int, revision: int) -> em.Site:
    # Several controllers of one site share one read of the database per revision.
    return site_from_db(Site.objects.get(pk=site_pk))


def _now_text() -> str:
    return timezone.now().astimezone(dt.UTC).isoformat()


def _build_state(controller: Controller, site_revision: int) -> SiteState:
    site = _site_at(controller.site_id, site_revision)
    settings = controller_settings(controller)
    filtered = filter_site(site, set(settings["failure_modes"]))
    return SiteState.from_site(filtered, controller=settings)


def refresh(controller: Controller) -> CompiledSnapshot:
    """The controller's current snapshot, rebuilt (and a delta appended) if anything changed."""
    site_revision, config_revision = _revisions(controller)
    # The payload (the whole state) is loaded only when it is needed: a waiting long-poll
    # asks this ten times a second.
    current = CompiledSnapshot.objects.filter(controller=controller).defer("payload").first()
    if current is not None and (current.site_revision, current.config_revision) == (
        site_revision, config_revision
    ):
        return current
    with transaction.atomic():
        # Serialise builders of one controller (several server processes may race here).
        locked = Controller.objects.select_for_update().get(pk=controller.pk)
        site_revision, config_revision = _revisions(locked)
        current = CompiledSnapshot.objects.filter(controller=locked).first()
        if current is not None and (current.site_revision, current.config_revision) == (
            site_revision, config_revision
        ):
            return current
        base = state = None
        if current is not None and current.config_revision == config_revision:
            base = SiteState.from_payload(current.payload)
            state = _patched_state(locked, base, current.site_revision, site_revision)
        if state is None:
            state = _build_state(locked, site_revision)
        fingerprint = state.fingerprint()
        if current is not None and current.fingerprint == fingerprint:
            current.site_revision, current.config_revision = site_revision, config_revision
            current.save(update_fields=["site_revision", "config_revision", "built"])
            return current
        return _append(locked, current, state, fingerprint, site_revision, config_revision,
                       base=base)


# A run of revisions longer than this is read in full (one read of the site is cheaper).
MAX_PATCHED_REVISIONS = 200


def confined_people(site_pk: int, since: int, until: int) -> tuple[set[int], set[str]] | None:
    """(person pks, person ids) that revisions `since` (exclusive) to `until` (inclusive) of a
    site changed, when the change journal shows every one of them confined to one person;
    None when any revision may have changed anything else (or left no journal row)."""
    if not 0 < until - since <= MAX_PATCHED_REVISIONS:
        return None
    rows = list(SiteChange.objects.filter(site_id=site_pk, revision__gt=since,
                                          revision__lte=until)
                .values_list("person_pk", "person_code"))
    if len(rows) != until - since or any(pk is None for pk, _ in rows):
        return None
    return {pk for pk, _ in rows}, {code for _, code in rows}


def _patched_state(controller: Controller, base: SiteState, since: int,
                   until: int) -> SiteState | None:
    """The controller's state at site revision `until`, made from its state at `since` by
    re-reading only the people changed in between; None when that cannot be known (the
    caller then rebuilds in full). Equal to a full rebuild (tests hold it to that)."""
    confined = confined_people(controller.site_id, since, until)
    if confined is None:
        return None
    pks, codes = confined
    level_ids = set(base.entities.get("access_levels", {}))
    role_levels = {
        role_id: set(read_entity("roles", role_id, text).access_levels)
        for role_id, text in base.entities.get("roles", {}).items()
    }
    held = base.entities.get("people", {})
    upsert, kept = [], set()
    for person in people_from_db(controller.site, pks):
        door_person = filter_person(person, level_ids, role_levels)
        if door_person is None:
            continue
        key, obj = entity_to_wire("people", door_person)
        kept.add(key)
        if held.get(key) != canonical(obj):
            upsert.append(obj)
    remove = sorted(code for code in codes if code in held and code not in kept)
    if not upsert and not remove:
        return base
    return base.apply({"upsert": {"people": upsert}, "remove": {"people": remove}})


def _revisions(controller: Controller) -> tuple[int, int]:
    """(site revision, controller config revision) in one query."""
    site_revision, config_revision = Controller.objects.filter(pk=controller.pk).values_list(
        "site__revision", "config_revision"
    ).get()
    return int(site_revision), int(config_revision)


def _append(
    controller: Controller, current: CompiledSnapshot | None, state: SiteState,
    fingerprint: str, site_revision: int, config_revision: int, *,
    base: SiteState | None = None,
) -> CompiledSnapshot:
    key = snapshot_signing_key()
    prev_version = current.version if current is not None else 0
    version = prev_version + 1
    issued_at = _now_text()
    payload = state.to_payload()
    full = sign_update(key, controller=controller.name, kind="full", version=version,
                       prev_version=prev_version, fingerprint=fingerprint,
                       issued_at=issued_at, payload=payload)
    delta: dict[str, Any] = {}
    if current is not None:
        delta = (base or SiteState.from_payload(current.payload)).diff(state)
        signed = sign_update(key, controller=controller.name, kind="delta", version=version,
                             prev_version=prev_version, fingerprint=fingerprint,
                             issued_at=issued_at, payload=delta)
        SnapshotUpdate.objects.create(
            controller=controller, version=version, prev_version=prev_version, kind="delta",
            fingerprint=fingerprint, header=signed.header.to_dict(), payload=delta,
            summary=delta_counts(delta),
        )
    else:
        SnapshotUpdate.objects.create(
            controller=controller, version=version, prev_version=prev_version, kind="full",
            fingerprint=fingerprint, header=full.header.to_dict(), payload={},
            summary=state.summary(),
        )
    SnapshotUpdate.objects.filter(
        controller=controller, version__lte=version - DELTA_HISTORY
    ).delete()
    values = {
        "version": version, "fingerprint": fingerprint, "site_revision": site_revision,
        "config_revision": config_revision, "payload": payload,
        "header": full.header.to_dict(), "people": state.count("people"),
        "doors": state.count("doors"),
    }
    snapshot, _ = CompiledSnapshot.objects.update_or_create(controller=controller,
                                                            defaults=values)
    record("edge.snapshot", target_type="controller", target_id=controller.name,
           version=version, prev_version=prev_version, fingerprint=fingerprint,
           changed=delta_counts(delta) if current is not None else state.summary(),
           full=current is None, site_revision=site_revision)
    return snapshot


def full_update(snapshot: CompiledSnapshot) -> Update:
    """The signed full snapshot as sent to the edge."""
    return Update.from_dict({**snapshot.header, "payload": snapshot.payload})


def updates_since(controller: Controller, since: int) -> list[Update] | None:
    """Signed deltas from `since` to the current version, in order; None when the chain no
    longer reaches back to `since` (or `since` is unknown): send a full snapshot then."""
    snapshot = refresh(controller)
    if since == snapshot.version:
        return []
    if since > snapshot.version or since <= 0:
        return None
    rows = list(
        SnapshotUpdate.objects.filter(controller=controller, version__gt=since,
                                      version__lte=snapshot.version, kind="delta")
        .order_by("version")
    )
    expected = list(range(since + 1, snapshot.version + 1))
    if [r.version for r in rows] != expected:
        return None
    return [Update.from_dict({**r.header, "payload": r.payload}) for r in rows]
