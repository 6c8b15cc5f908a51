"""The rule part of a site file: holidays, schedules, access levels and roles."""

from __future__ import annotations

from vaultdoor.engine import model
from vaultdoor.engine.sitefile._fields import Checker, IdRegistry

__all__ = ["read_access_levels", "read_holidays", "read_roles", "read_schedules"]


def read_holidays(c: Checker, value: object) -> list[model.Holiday]:
    result = []
    for path, item in c.items(value, "holidays"):
        fields = c.fields(item, path, required=("date", "name"))
        if fields is None:
            continue
        day = c.date(fields["date"], f"{path}.date") if "date" in fields else None
        name = c.text(fields["name"], f"{path}.name") if "name" in fields else None
        if day is not None and name is not None:
            result.append(model.Holiday(date=day, name=name))
    return result


def _window(c: Checker, path: str, item: object) -> model.Window | None:
    fields = c.fields(item, path, required=("days", "from", "to"))
    if fields is None:
        return None
    days: set[int] | None = None
    raw_days = fields.get("days")
    if isinstance(raw_days, list) and not raw_days:
        c.error(f"{path}.days", "must name at least one day (mon ... sun)")
    elif "days" in fields:
        names = [
            c.choice(day, day_path, model.DAYS)
            for day_path, day in c.items(raw_days, f"{path}.days")
        ]
        if isinstance(raw_days, list) and None not in names:
            days = {model.DAYS.index(name) for name in names if name is not None}
    start = c.clock(fields["from"], f"{path}.from") if "from" in fields else None
    end = c.clock(fields["to"], f"{path}.to", allow_24=True) if "to" in fields else None
    if start is not None and end is not None and start >= end:
        c.error(
            f"{path}.to",
            "must be after 'from': a window never crosses midnight; split a night shift into "
            'two windows (from "22:00" to "24:00", and from "00:00" the next day)',
        )
        return None
    if not days or start is None or end is None:
        return None
    return model.Window(days=frozenset(days), start=start, end=end)


def read_schedules(c: Checker, value: object, schedules: IdRegistry) -> list[model.Schedule]:
    result = []
    for path, item in c.items(value, "schedules"):
        fields = c.fields(item, path, required=("id", "windows"), optional=("holidays",))
        if fields is None:
            continue
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        declared = schedules.declare(ident, f"{path}.id")
        windows: list[model.Window] | None = []
        for window_path, window_item in c.items(fields.get("windows", []), f"{path}.windows"):
            window = _window(c, window_path, window_item)
            if window is None or windows is None:
                windows = None
            else:
                windows.append(window)
        if "windows" in fields and not isinstance(fields["windows"], list):
            windows = None
        holidays = c.choice(
            fields.get("holidays", "closed"), f"{path}.holidays", ("closed", "open")
        )
        if declared and windows is not None and holidays is not None:
            assert ident is not None
            result.append(model.Schedule(id=ident, windows=tuple(windows), holidays=holidays))
    return result


def _references(c: Checker, value: object, path: str, registry: IdRegistry) -> list[str] | None:
    """A list of ids that must all be declared in `registry`."""
    if not isinstance(value, list):
        c.error(path, f"must be a list of {registry.kind} ids")
        return None
    found: list[str] | None = []
    for item_path, item in c.items(value, path):
        ident = registry.refer(item, item_path)
        if ident is None or found is None:
            found = None
        elif ident not in found:
            found.append(ident)
    return found


def read_access_levels(
    c: Checker, value: object, zones: IdRegistry, schedules: IdRegistry, levels: IdRegistry
) -> list[model.AccessLevel]:
    result = []
    for path, item in c.items(value, "access_levels"):
        fields = c.fields(item, path, required=("id", "zones", "schedule"), optional=("name",))
        if fields is None:
            continue
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        declared = levels.declare(ident, f"{path}.id")
        name = c.text(fields["name"], f"{path}.name") if "name" in fields else ""
        level_zones = (
            _references(c, fields["zones"], f"{path}.zones", zones) if "zones" in fields else None
        )
        schedule = (
            schedules.refer(fields["schedule"], f"{path}.schedule")
            if "schedule" in fields
            else None
        )
        if declared and name is not None and level_zones is not None and schedule is not None:
            assert ident is not None
            result.append(
                model.AccessLevel(id=ident, zones=tuple(level_zones), schedule=schedule, name=name)
            )
    return result


def read_roles(
    c: Checker, value: object, levels: IdRegistry, roles: IdRegistry
) -> list[model.Role]:
    result = []
    for path, item in c.items(value, "roles"):
        fields = c.fields(item, path, required=("id", "access_levels"), optional=("name",))
        if fields is None:
            continue
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        declared = roles.declare(ident, f"{path}.id")
        name = c.text(fields["name"], f"{path}.name") if "name" in fields else ""
        role_levels = (
            _references(c, fields["access_levels"], f"{path}.access_levels", levels)
            if "access_levels" in fields
            else None
        )
        if declared and name is not None and role_levels is not None:
            assert ident is not None
            result.append(model.Role(id=ident, access_levels=tuple(role_levels), name=name))
    return result
