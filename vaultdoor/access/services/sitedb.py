"""Read a site out of the database as the engine's `Site` (active rows only), and export it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from vaultdoor.engine import model as em
from vaultdoor.facilities.models import Door, Floor, Site, Zone
from vaultdoor.people.models import Biometric, Card, Person, Pin

from ..models import AccessLevel, Holiday, Role, Schedule
from .windows import window_from_json

__all__ = ["SiteNotFound", "export_site_yaml", "get_site", "people_from_db", "site_from_db"]


class SiteNotFound(LookupError):
    """No such site in the database; the message says which ones there are."""


def get_site(site: Site | str | None) -> Site:
    """The site named by its code; with no code, the only site (an error if there are several)."""
    if isinstance(site, Site):
        return site
    if site is not None:
        try:
            return Site.objects.get(code=site)
        except Site.DoesNotExist:
            known = ", ".join(Site.objects.values_list("code", flat=True)) or "none imported yet"
            raise SiteNotFound(f"no site {site!r} (sites: {known})") from None
    sites = list(Site.objects.filter(active=True)[:2])
    if not sites:
        raise SiteNotFound("no site in the database yet: import one with `vaultdoor site import`")
    if len(sites) > 1:
        known = ", ".join(Site.objects.filter(active=True).values_list("code", flat=True))
        raise SiteNotFound(f"several sites ({known}): say which one with --site")
    return sites[0]


def _links(model: Any, field: str, owner: str, target: str, **filters: Any) -> dict[int, list]:
    """owner pk -> target codes through the many-to-many `field`, active targets only."""
    through = getattr(model, field).through
    rows = (
        through.objects.filter(**filters, **{f"{target}__active": True})
        .order_by("pk")  # the order of the file they were imported from
        .values_list(f"{owner}_id", f"{target}__code")
    )
    result: dict[int, list] = defaultdict(list)
    for owner_id, code in rows:
        result[owner_id].append(code)
    return result


def site_from_db(site: Site | str | None = None) -> em.Site:
    """The engine's view of a site: everything active in the database, nothing inactive."""
    site = get_site(site)
    floors = tuple(
        em.Floor(id=f.code, name=f.name, level=f.level)
        for f in Floor.objects.filter(site=site, active=True).order_by("level", "code")
    )
    zone_codes: dict[int, str] = {}
    zones = []
    for z in Zone.objects.filter(site=site, active=True).select_related("floor").order_by("pk"):
        zone_codes[z.pk] = z.code
        zones.append(em.Zone(
            id=z.code, name=z.name, floor=z.floor.code, security=z.security, purpose=z.purpose,
            phones=z.phones, customer_data=z.customer_data, requires_vetting=z.requires_vetting,
            anti_passback=z.anti_passback, max_occupancy=z.max_occupancy,
            two_person=z.two_person, two_person_window_s=z.two_person_window_s,
        ))
    doors = tuple(
        em.Door(
            id=d.code, name=d.name,
            from_zone=zone_codes.get(d.from_zone_id, em.OUTSIDE) if d.from_zone_id else em.OUTSIDE,
            to_zone=zone_codes.get(d.to_zone_id, ""), mode=d.mode,
        )
        for d in Door.objects.filter(site=site, active=True).order_by("pk")
    )
    holidays = tuple(
        em.Holiday(date=h.date, name=h.name)
        for h in Holiday.objects.filter(site=site, active=True).order_by("date")
    )
    schedules = tuple(
        em.Schedule(
            id=s.code, windows=tuple(window_from_json(w) for w in s.windows), holidays=s.holidays
        )
        for s in Schedule.objects.filter(site=site, active=True).order_by("pk")
    )
    level_zones = _links(AccessLevel, "zones", "accesslevel", "zone", accesslevel__site=site)
    access_levels = tuple(
        em.AccessLevel(
            id=lv.code, name=lv.name, zones=tuple(level_zones.get(lv.pk, ())),
            schedule=lv.schedule.code,
        )
        for lv in AccessLevel.objects.filter(site=site, active=True)
        .select_related("schedule").order_by("pk")
    )
    role_levels = _links(Role, "access_levels", "role", "accesslevel", role__site=site)
    roles = tuple(
        em.Role(id=r.code, name=r.name, access_levels=tuple(role_levels.get(r.pk, ())))
        for r in Role.objects.filter(site=site, active=True).order_by("pk")
    )
    return em.Site(
        id=site.code, name=site.name, timezone=site.timezone, floors=floors,
        zones=tuple(zones), doors=doors, holidays=holidays, schedules=schedules,
        access_levels=access_levels, roles=roles, people=_people(site),
    )


def people_from_db(site: Site, pks: Collection[int]) -> tuple[em.Person, ...]:
    """The engine's view of just these people of `site` (by primary key): the active ones,
    as `site_from_db` would read them; inactive or missing ones are left out."""
    return _people(site, pks)


def _people(site: Site, pks: Collection[int] | None = None) -> tuple[em.Person, ...]:
    # Plain rows (`values_list`), not model instances: on a site of thousands of people,
    # building a Django object per row was half the time of reading the site, and every
    # change a door controller must hear of waits for this read.
    only = {} if pks is None else {"person_id__in": list(pks)}  # their credentials and links
    chosen = {} if pks is None else {"pk__in": list(pks)}
    person_levels = _links(Person, "access_levels", "person", "accesslevel", person__site=site,
                           **only)
    cards: dict[int, list[em.Card]] = defaultdict(list)
    for person_id, facility, number, fmt, status, valid_from, valid_until in (
        Card.objects.filter(person__site=site, active=True, **only).order_by("pk").values_list(
            "person_id", "facility", "number", "format", "status", "valid_from", "valid_until")
    ):
        cards[person_id].append(em.Card(
            facility=facility, number=number, format=fmt, status=status,
            valid_from=valid_from, valid_until=valid_until,
        ))
    pins: dict[int, list[em.Pin]] = defaultdict(list)
    for person_id, pin_hash in (
        Pin.objects.filter(person__site=site, active=True, **only).order_by("pk")
        .values_list("person_id", "pin_hash")
    ):
        pins[person_id].append(em.Pin(pin_hash=pin_hash))
    biometrics: dict[int, list[em.Biometric]] = defaultdict(list)
    for person_id, consent, status in (
        Biometric.objects.filter(person__site=site, active=True, **only).order_by("pk")
        .values_list("person_id", "consent", "status")
    ):
        biometrics[person_id].append(em.Biometric(consent=consent, status=status))
    people = []
    for (pk, code, name, kind, status, role_code, role_active, vetting_status,
         vetting_completed, vetting_expires, vetting_findings) in (
        Person.objects.filter(site=site, active=True, **chosen).order_by("pk").values_list(
            "pk", "code", "name", "kind", "status", "role__code", "role__active",
            "vetting_status", "vetting_completed", "vetting_expires", "vetting_findings")
    ):
        people.append(em.Person(
            id=code, name=name, kind=kind, status=status,
            role=role_code if role_code is not None and role_active else None,
            vetting=em.Vetting(
                status=vetting_status, completed=vetting_completed,
                expires=vetting_expires, findings=tuple(vetting_findings or ()),
            ),
            access_levels=tuple(person_levels.get(pk, ())),
            cards=tuple(cards.get(pk, ())), pins=tuple(pins.get(pk, ())),
            biometrics=tuple(biometrics.get(pk, ())),
        ))
    return tuple(people)


def export_site_yaml(site: Site | str | None = None) -> str:
    """The site as a site file (site-format.md), PINs as their hashes."""
    import yaml

    from vaultdoor.engine.sitefile import dump_site

    header = "# Exported by vaultdoor; PINs are hashes made with this server's PIN key.\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: much faster
    body = yaml.dump(
        dump_site(site_from_db(site)), Dumper=dumper, sort_keys=False, allow_unicode=True,
        width=100,
    )
    return header + body
