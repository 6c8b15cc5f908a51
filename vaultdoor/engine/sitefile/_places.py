"""The building part of a site file: the site itself, floors, zones and doors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vaultdoor.engine import model, timeutil
from vaultdoor.engine.sitefile._fields import Checker, IdRegistry

__all__ = ["read_doors", "read_floors", "read_site_header", "read_zones", "zone_defaults"]

ZONE_KEYS = (
    "security",
    "purpose",
    "phones",
    "customer_data",
    "requires_vetting",
    "anti_passback",
    "max_occupancy",
    "two_person",
    "two_person_window_s",
)


def zone_defaults(security: str, purpose: str, customer_data: bool) -> tuple[str, bool]:
    """The (phones, requires_vetting) a zone gets when the file does not say."""
    phones = "allowed" if security == "public" or purpose == "break" else "forbidden"
    vetting = security == "high" or customer_data or purpose in ("equipment", "records")
    return phones, vetting


def read_site_header(c: Checker, value: object) -> tuple[str, str, str, dt.tzinfo] | None:
    """`site: {id, name, timezone}` -> (id, name, timezone name, tzinfo)."""
    fields = c.fields(value, "site", required=("id", "name", "timezone"))
    if fields is None:
        return None
    site_id = c.ident(fields["id"], "site.id") if "id" in fields else None
    name = c.text(fields["name"], "site.name") if "name" in fields else None
    tz_name: str | None = None
    tz: dt.tzinfo | None = None
    if "timezone" in fields:
        raw = fields["timezone"]
        try:
            tz = timeutil.timezone(raw)
            tz_name = raw
        except timeutil.BadTime as exc:
            c.error("site.timezone", str(exc))
    if site_id is None or name is None or tz_name is None or tz is None:
        return None
    return site_id, name, tz_name, tz


def read_floors(c: Checker, value: object, floors: IdRegistry) -> list[model.Floor]:
    result = []
    for path, item in c.items(value, "floors"):
        fields = c.fields(item, path, required=("id", "name", "level"))
        if fields is None:
            continue
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        name = c.text(fields["name"], f"{path}.name") if "name" in fields else None
        level = c.integer(fields["level"], f"{path}.level") if "level" in fields else None
        if floors.declare(ident, f"{path}.id") and name is not None and level is not None:
            assert ident is not None
            result.append(model.Floor(id=ident, name=name, level=level))
    return result


def _zone(c: Checker, path: str, fields: dict[str, Any], floors: IdRegistry) -> dict[str, Any]:
    """The zone's values (None where wrong), defaults applied."""
    get = fields.get
    values: dict[str, Any] = {
        "name": c.text(fields["name"], f"{path}.name") if "name" in fields else None,
        "floor": floors.refer(fields["floor"], f"{path}.floor") if "floor" in fields else None,
    }
    values["security"] = c.choice(
        get("security", "standard"), f"{path}.security", model.SECURITY_LEVELS
    )
    values["purpose"] = c.choice(get("purpose", "general"), f"{path}.purpose", model.PURPOSES)
    values["customer_data"] = c.flag(get("customer_data", False), f"{path}.customer_data")
    phones, vetting = zone_defaults(
        values["security"] or "standard",
        values["purpose"] or "general",
        bool(values["customer_data"]),
    )
    values["phones"] = c.choice(get("phones", phones), f"{path}.phones", ("allowed", "forbidden"))
    values["requires_vetting"] = c.flag(
        get("requires_vetting", vetting), f"{path}.requires_vetting"
    )
    values["anti_passback"] = c.choice(
        get("anti_passback", "none"), f"{path}.anti_passback", model.ANTI_PASSBACK
    )
    occupancy = get("max_occupancy")
    values["max_occupancy"] = (
        None if occupancy is None else c.integer(occupancy, f"{path}.max_occupancy", low=1)
    )
    values["two_person"] = c.flag(get("two_person", False), f"{path}.two_person")
    values["two_person_window_s"] = c.integer(
        get("two_person_window_s", 10), f"{path}.two_person_window_s", low=1
    )
    return values


def read_zones(
    c: Checker, value: object, floors: IdRegistry, zones: IdRegistry
) -> list[model.Zone]:
    result = []
    for path, item in c.items(value, "zones"):
        fields = c.fields(item, path, required=("id", "name", "floor"), optional=ZONE_KEYS)
        if fields is None:
            continue
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        if ident == model.OUTSIDE:
            c.error(f"{path}.id", "'outside' is reserved for the public exterior; never declare it")
            ident = None
        declared = zones.declare(ident, f"{path}.id")
        values = _zone(c, path, fields, floors)
        # an explicit `max_occupancy: null` means no limit, like leaving it out
        occupancy_ok = fields.get("max_occupancy") is None or values["max_occupancy"] is not None
        if (
            declared
            and occupancy_ok
            and all(v is not None for k, v in values.items() if k != "max_occupancy")
        ):
            assert ident is not None
            result.append(model.Zone(id=ident, **values))
    return result


def read_doors(
    c: Checker, value: object, zones: IdRegistry, zone_security: dict[str, str]
) -> list[model.Door]:
    result = []
    doors = IdRegistry(c, "door")
    for path, item in c.items(value, "doors"):
        fields = c.fields(item, path, required=("id", "name", "from", "to"), optional=("mode",))
        if fields is None:
            continue
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        declared = doors.declare(ident, f"{path}.id")
        name = c.text(fields["name"], f"{path}.name") if "name" in fields else None
        from_zone = to_zone = None
        if "from" in fields:
            if fields["from"] == model.OUTSIDE:
                from_zone = model.OUTSIDE
            else:
                from_zone = zones.refer(fields["from"], f"{path}.from")
        if "to" in fields:
            if fields["to"] == model.OUTSIDE:
                c.error(f"{path}.to", "a door cannot lead into 'outside'; swap from and to")
            else:
                to_zone = zones.refer(fields["to"], f"{path}.to")
        if from_zone is not None and from_zone == to_zone:
            c.error(f"{path}.to", f"must differ from 'from' (both are {to_zone!r})")
            to_zone = None
        mode = c.choice(fields.get("mode", "card"), f"{path}.mode", model.DOOR_MODES)
        if mode in ("pin", "unlocked") and zone_security.get(to_zone or "") == "high":
            c.error(
                f"{path}.mode",
                f"a door into the high-security zone {to_zone!r} cannot have mode {mode!r}",
            )
            mode = None
        if declared and name is not None and from_zone and to_zone and mode is not None:
            assert ident is not None
            result.append(
                model.Door(id=ident, name=name, from_zone=from_zone, to_zone=to_zone, mode=mode)
            )
    return result
