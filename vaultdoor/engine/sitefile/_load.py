"""`load_site`: a site file's text to a validated `Site`, or every problem it has at once."""

from __future__ import annotations

import datetime as dt

from vaultdoor.engine import model
from vaultdoor.engine.pins import PinHasher
from vaultdoor.engine.sitefile._fields import Checker, IdRegistry
from vaultdoor.engine.sitefile._issues import Issue, SiteValidationError
from vaultdoor.engine.sitefile._people import PeopleReader
from vaultdoor.engine.sitefile._places import (
    read_doors,
    read_floors,
    read_site_header,
    read_zones,
)
from vaultdoor.engine.sitefile._rules import (
    read_access_levels,
    read_holidays,
    read_roles,
    read_schedules,
)
from vaultdoor.engine.sitefile._yaml import read_yaml

__all__ = ["FORMAT_VERSION", "load_site", "site_from_data"]

FORMAT_VERSION = 1
REQUIRED = ("version", "site", "floors", "zones", "doors", "schedules", "access_levels", "people")
OPTIONAL = ("holidays", "roles")


def load_site(text: str | bytes, *, pin_hasher: PinHasher) -> model.Site:
    """Parse and validate a site file; raise `SiteValidationError` listing every problem.

    PINs are hashed with `pin_hasher`; a `pin_hash` in the file (as `dump_site` writes it) is
    accepted only when it was made with the same key.
    """
    return site_from_data(read_yaml(text), pin_hasher=pin_hasher)


def site_from_data(data: object, *, pin_hasher: PinHasher) -> model.Site:
    """Validate already-parsed YAML/JSON data (as `load_site` does after reading the text)."""
    c = Checker()
    top = c.fields(data, "", required=REQUIRED, optional=OPTIONAL)
    if top is None:
        raise SiteValidationError(c.issues)
    if "version" in top and (isinstance(top["version"], bool) or top["version"] != FORMAT_VERSION):
        c.error("version", f"must be {FORMAT_VERSION} (the only version of the format)")
    header = read_site_header(c, top["site"]) if "site" in top else None
    tz: dt.tzinfo = header[3] if header else dt.UTC  # keeps checking the rest without one

    floors = IdRegistry(c, "floor")
    zones = IdRegistry(c, "zone")
    schedules = IdRegistry(c, "schedule")
    levels = IdRegistry(c, "access level")
    roles = IdRegistry(c, "role")

    floor_list = read_floors(c, top.get("floors", []), floors)
    zone_list = read_zones(c, top.get("zones", []), floors, zones)
    security = {zone.id: zone.security for zone in zone_list}
    door_list = read_doors(c, top.get("doors", []), zones, security)
    holiday_list = read_holidays(c, top["holidays"]) if top.get("holidays") is not None else []
    schedule_list = read_schedules(c, top.get("schedules", []), schedules)
    level_list = read_access_levels(c, top.get("access_levels", []), zones, schedules, levels)
    role_list = read_roles(c, top["roles"], levels, roles) if top.get("roles") is not None else []
    keypad = _any_keypad_door(top.get("doors"))
    people = PeopleReader(
        c, tz=tz, pin_hasher=pin_hasher, roles=roles, levels=levels, unique_pins=keypad
    )
    person_list = people.read(top.get("people", []))

    # Every item declared must have been read, or an issue must say why not: never hand on a
    # site whose references point at something that was silently dropped.
    for registry, items in (
        (floors, floor_list),
        (zones, zone_list),
        (schedules, schedule_list),
        (levels, level_list),
        (roles, role_list),
        (people.people, person_list),
    ):
        read = {item.id for item in items}
        for ident, path in registry.where.items():
            if ident not in read and not c.issues:
                c.error(path, f"{registry.kind} {ident!r} could not be read")
    if c.issues or header is None:
        raise SiteValidationError(c.issues or [Issue("site", "is invalid")])
    site_id, name, tz_name, _ = header
    return model.Site(
        id=site_id,
        name=name,
        timezone=tz_name,
        floors=tuple(floor_list),
        zones=tuple(zone_list),
        doors=tuple(door_list),
        holidays=tuple(holiday_list),
        schedules=tuple(schedule_list),
        access_levels=tuple(level_list),
        roles=tuple(role_list),
        people=tuple(person_list),
    )


def _any_keypad_door(doors: object) -> bool:
    """Whether the file gives any door mode `pin` (even a door with other errors)."""
    if not isinstance(doors, list):
        return False
    return any(isinstance(door, dict) and door.get("mode") == "pin" for door in doors)
