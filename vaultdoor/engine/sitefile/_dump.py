"""`dump_site`: a `Site` back to site-file data (YAML-ready), PINs as their hashes.

Defaults are left out, so an export reads like a file a person would write;
`load_site(yaml.safe_dump(dump_site(site)))` gives back an equal `Site` under the same PIN key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vaultdoor.engine import model, timeutil
from vaultdoor.engine.sitefile._places import zone_defaults

__all__ = ["dump_site"]


_NO_VETTING = model.Vetting()


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _instant(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """Site-local with its offset: unambiguous even in the repeated autumn hour."""
    local = moment.astimezone(tz)
    if local.microsecond:
        return local.isoformat()
    return local.isoformat(timespec="seconds" if local.second else "minutes")


def _zone(zone: model.Zone) -> dict[str, Any]:
    data: dict[str, Any] = {"id": zone.id, "name": zone.name, "floor": zone.floor}
    phones, vetting = zone_defaults(zone.security, zone.purpose, zone.customer_data)
    optional: list[tuple[str, Any, Any]] = [
        ("security", zone.security, "standard"),
        ("purpose", zone.purpose, "general"),
        ("phones", zone.phones, phones),
        ("customer_data", zone.customer_data, False),
        ("requires_vetting", zone.requires_vetting, vetting),
        ("anti_passback", zone.anti_passback, "none"),
        ("max_occupancy", zone.max_occupancy, None),
        ("two_person", zone.two_person, False),
        ("two_person_window_s", zone.two_person_window_s, 10),
    ]
    data.update({key: value for key, value, default in optional if value != default})
    return data


def _schedule(schedule: model.Schedule) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "windows": [
            {
                "days": [model.DAYS[day] for day in sorted(window.days)],
                "from": _clock(window.start),
                "to": _clock(window.end),
            }
            for window in schedule.windows
        ],
        "holidays": schedule.holidays,
    }


def _named(data: dict[str, Any], name: str) -> dict[str, Any]:
    if name:
        data = {"id": data.pop("id"), "name": name, **data}
    return data


def _card(card: model.Card, tz: dt.tzinfo) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "card",
        "format": card.format,
        "facility": card.facility,
        "number": card.number,
    }
    if card.status != "active":
        data["status"] = card.status
    if card.valid_from is not None:
        data["valid_from"] = _instant(card.valid_from, tz)
    if card.valid_until is not None:
        data["valid_until"] = _instant(card.valid_until, tz)
    return data


def _person(person: model.Person, tz: dt.tzinfo) -> dict[str, Any]:
    data: dict[str, Any] = {"id": person.id, "name": person.name, "kind": person.kind}
    if person.role is not None:
        data["role"] = person.role
    data["status"] = person.status
    vetting = person.vetting
    if vetting != _NO_VETTING:
        data["vetting"] = {"status": vetting.status}
        if vetting.completed is not None:
            data["vetting"]["completed"] = vetting.completed
        if vetting.expires is not None:
            data["vetting"]["expires"] = vetting.expires
        data["vetting"]["findings"] = list(vetting.findings)
    if person.access_levels:
        data["access_levels"] = list(person.access_levels)
    credentials: list[dict[str, Any]] = [_card(card, tz) for card in person.cards]
    credentials += [{"type": "pin", "pin_hash": pin.pin_hash} for pin in person.pins]
    credentials += [
        {"type": "biometric", "consent": True, "status": biometric.status}
        for biometric in person.biometrics
    ]
    data["credentials"] = credentials
    return data


def dump_site(site: model.Site) -> dict[str, Any]:
    """The site as site-file data: plain dicts, lists, strings, numbers and dates."""
    tz = timeutil.timezone(site.timezone)
    data: dict[str, Any] = {
        "version": 1,
        "site": {"id": site.id, "name": site.name, "timezone": site.timezone},
        "floors": [{"id": f.id, "name": f.name, "level": f.level} for f in site.floors],
        "zones": [_zone(zone) for zone in site.zones],
        "doors": [
            {
                "id": door.id,
                "name": door.name,
                "from": door.from_zone,
                "to": door.to_zone,
                "mode": door.mode,
            }
            for door in site.doors
        ],
        "holidays": [{"date": h.date, "name": h.name} for h in site.holidays],
        "schedules": [_schedule(schedule) for schedule in site.schedules],
        "access_levels": [
            _named({"id": lv.id, "zones": list(lv.zones), "schedule": lv.schedule}, lv.name)
            for lv in site.access_levels
        ],
        "roles": [
            _named({"id": role.id, "access_levels": list(role.access_levels)}, role.name)
            for role in site.roles
        ],
        "people": [_person(person, tz) for person in site.people],
    }
    return data
