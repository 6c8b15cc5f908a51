"""Applying a people-only delta to a compiled snapshot without compiling the whole site again.

A revocation (card lost, person suspended, vetting changed) changes a handful of people; a
full `compile_site` of 100,000 cardholders takes seconds, which would put the door seconds
behind the console. When a delta touches only `people`, this module builds the changed
people exactly as `compile_site` does and swaps them into copies of the snapshot's indexes
(people, cards, PINs). Anything else (zones, doors, levels, schedules, header) compiles the
whole site, and so does any surprise here: `patch_people` returns None and the caller falls
back to `compile_site`. Tests check that both paths give the same decisions.

People are compiled with the engine's `PeopleCompiler`, exactly as a full compile does; only
the patching of the snapshot's indexes lives here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from types import MappingProxyType
from typing import Any

from vaultdoor.engine import model
from vaultdoor.engine import snapshot as compiled_snapshot
from vaultdoor.engine.snapshot import Snapshot

__all__ = ["patch_people"]

log = logging.getLogger(__name__)


def patch_people(
    old: Snapshot, changed: Iterable[model.Person], removed: Iterable[str], *, version: int,
    previous: Callable[[str], model.Person] | None = None,
) -> Snapshot | None:
    """A snapshot equal to compiling `old.site` with `changed` people replaced or added and
    `removed` ids gone; None when it cannot be done safely (compile instead).

    Without `previous`, the people are those of `old.site` and the new snapshot's site holds
    the new people. With `previous` (person id -> that person as `old` was compiled from),
    `old` is a lean snapshot whose site holds no people (`compile_site(..., people=...)`, as
    the edge keeps it) and the new one is lean too."""
    try:
        return _patch(old, list(changed), set(removed), version, previous)
    except Exception:  # any mismatch with the engine's internals: compile the full site
        log.exception("incremental snapshot update failed; compiling the full site")
        return None


def _patch(old: Snapshot, changed: list[model.Person], removed: set[str],
           version: int, previous: Callable[[str], model.Person] | None) -> Snapshot | None:
    engine: Any = compiled_snapshot
    site = old.site
    if previous is None:
        by_id = {p.id: p for p in site.people}
        previous = by_id.__getitem__
        known: Iterable[str] = by_id
    else:
        known = old.people.keys()
    replaced = {p.id for p in changed}
    gone = (removed | replaced) & set(known)
    people = dict(old.people)
    cards = dict(old.cards)
    pins = dict(old.pins)
    keypad = any(door.mode == "pin" for door in site.doors)
    for person_id in gone:
        person = previous(person_id)
        for card in person.cards:
            key = (card.format, card.facility, card.number)
            entry = cards.get(key)
            if entry is not None and entry.person.id == person_id:
                del cards[key]
        was = people.pop(person_id, None)
        if keypad and was is not None:
            for digest in was.pin_digests:
                if pins.get(digest) is was:
                    del pins[digest]
                elif digest in pins and pins[digest] is None:
                    return None  # a shared PIN: who holds it now needs the full picture
    if site.people:
        new_people = [p for p in site.people if p.id not in gone and p.id not in removed]
        new_people.extend(changed)
        new_site = dataclasses.replace(site, people=tuple(new_people))
    else:
        new_site = site  # lean: the people live only in the compiled indexes
    tz = old.timezone
    compiler = engine.PeopleCompiler(new_site)
    for person in changed:
        compiled = compiler.person(person)
        people[person.id] = compiled
        for key, entry in compiler.card_entries(person, compiled):
            if key in cards and cards[key].person.id != person.id:
                return None  # a card moving between people: compile the whole site
            cards[key] = entry
        if keypad:
            for digest in set(compiled.pin_digests):
                pins[digest] = None if digest in pins else compiled
    return Snapshot(
        site=new_site, timezone=tz, version=version, doors=old.doors,
        cards=MappingProxyType(cards), pins=MappingProxyType(pins),
        people=MappingProxyType(people), schedules=old.schedules, holidays=old.holidays,
    )
