"""Decide a presentation at a door against the live database: used by `vaultdoor access check`,
the REST API and the demo's replay.

One decision is one transaction: lock the site (so concurrent deciders of one site queue up;
SQLite's IMMEDIATE transactions already serialise writers), fetch the compiled snapshot for the
site's current revision, decide with the engine against the database-backed door state, and
record the decision twice: in the audit log (the proof) and as a `DoorEvent` (for queries).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from vaultdoor.engine.decisions import decide
from vaultdoor.engine.swipes import SwipeError, parse_swipe
from vaultdoor.facilities.models import Door, Site

from ..models import DoorEvent
from .doorstate import DatabaseDoorState
from .pinkey import server_pin_hasher
from .sitedb import SiteNotFound, get_site
from .snapshots import compiled_site

__all__ = ["DecisionInputError", "decide_swipe", "describe_credential"]


class DecisionInputError(ValueError):
    """The presentation cannot be decided as given (unknown door, bad time, bad card...).

    `field` names the offending swipe field where one is to blame, for API field errors.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def describe_credential(swipe: dict[str, Any]) -> str:
    """What was presented, for people to read (`card h10301 42:10231 + PIN`); never the PIN."""
    parts = []
    card = swipe.get("card")
    if isinstance(card, dict):
        if "bits" in card:
            parts.append(f"card {card.get('bits')} bits {card.get('data')}")
        else:
            fmt = card.get("format", "h10301")
            parts.append(f"card {fmt} {card.get('facility')}:{card.get('number')}")
    if swipe.get("pin") is not None:
        parts.append("PIN")
    if swipe.get("biometric") is not None:
        parts.append(f"biometric {swipe['biometric']}")
    return " + ".join(parts) or "nothing"


def _site_of_door(site: Site | str | None, door: Any) -> Site:
    """The site to decide at, read (and on PostgreSQL locked) inside the caller's transaction,
    so its `revision` is the current one."""
    rows = Site.objects.select_for_update() if connection.features.has_select_for_update else (
        Site.objects.all()
    )
    if isinstance(site, Site):
        site = site.code
    if site is not None:
        found = rows.filter(code=site).first()
        if found is None:
            try:
                get_site(site)  # for its message naming the known sites
            except SiteNotFound as exc:
                raise DecisionInputError(str(exc), field="site") from None
        return found  # type: ignore[return-value]
    if not isinstance(door, str) or not door:
        raise DecisionInputError("a door id is required", field="door")
    site_ids = list(
        Door.objects.filter(code=door, active=True).values_list("site_id", flat=True)[:2]
    )
    if not site_ids:
        raise DecisionInputError(f"no door {door!r} in any site", field="door")
    if len(site_ids) > 1:
        raise DecisionInputError(
            f"door {door!r} exists at several sites: say which site", field="site"
        )
    return rows.get(pk=site_ids[0])


def decide_swipe(
    site: Site | str | None, swipe: dict[str, Any], *, actor: str = "system", request: Any = None
) -> dict[str, Any]:
    """Decide one swipe (a swipe line of site-format.md, with `door` and `at`) at `site` (its
    code; None finds the site by the door) and return the decision object of the spec.

    Raises `DecisionInputError` for a swipe the spec calls an error; nothing is written then.
    """
    from vaultdoor.audit import record

    with transaction.atomic():
        # One decider per site at a time: anti-passback, occupancy and the two-person wait
        # read then write the shared door state. PostgreSQL: the site row's lock; SQLite:
        # IMMEDIATE transactions already hold the database's write lock.
        site_row = _site_of_door(site, swipe.get("door"))
        compiled = compiled_site(site_row)
        try:
            parsed = parse_swipe(swipe, compiled.snapshot)
        except SwipeError as exc:
            raise DecisionInputError(str(exc), field=getattr(exc, "field", None)) from None
        state = DatabaseDoorState(compiled, at=parsed.at)
        decision = decide(compiled.snapshot, state, parsed, server_pin_hasher()).to_dict()
        credential = describe_credential(swipe)
        at_utc = parsed.at.astimezone(dt.UTC)
        event = record(
            "access.decision", actor=actor, target_type="door", target_id=decision["door"],
            request=request, site=site_row.code, at=at_utc.isoformat(),
            direction=parsed.direction, credential=credential, **decision,
        )
        DoorEvent.objects.create(
            site=site_row, at=at_utc, door_id=compiled.doors[decision["door"]],
            zone_id=compiled.zones.get(decision.get("zone") or ""),
            person_id=compiled.people.get(decision.get("person") or ""),
            direction=parsed.direction, decision=decision["decision"],
            reason=decision["reason"], warnings=list(decision.get("warnings", [])),
            companions=list(decision.get("companions", [])), credential=credential,
            actor=actor[:150], audit_seq=getattr(event, "seq", None),
        )
    return decision
