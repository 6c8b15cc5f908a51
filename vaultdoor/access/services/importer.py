"""Import a validated site into the database: all or nothing, idempotent, never deleting.

`import_site` makes the database say what the site file says, in one transaction: it creates
what is new, updates what changed, deactivates what the file no longer lists and reactivates
what returns. Importing the same file twice writes nothing the second time. The report and
one `site.import` audit event say what changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction

from vaultdoor.engine import model as em
from vaultdoor.facilities.models import Door, Floor, Site, Zone
from vaultdoor.people.models import Biometric, Card, Person, Pin

from ..models import AccessLevel, Holiday, Role, Schedule
from ..signals import revision_bumps_suspended
from .report import ImportReport
from .windows import window_to_json

__all__ = ["ImportConflict", "import_site", "import_site_text"]

# The audit event lists at most this many changed objects; the counts are always complete.
MAX_LISTED_CHANGES = 500


class ImportConflict(ValueError):
    """The file is valid on its own but clashes with another site in the database."""


class _Sync:
    """One import's bookkeeping: compares rows with the file and counts what it does."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.status: dict[tuple[str, Any], str] = {}

    def _note(self, kind: str, label: str, action: str, detail: str = "") -> None:
        if action != "unchanged":
            line = f"{action} {self._singular(kind)} {label}" + (f" ({detail})" if detail else "")
            self.report.changes.append(line)

    @staticmethod
    def _singular(kind: str) -> str:
        from .report import KINDS

        return KINDS[kind]

    def rows(
        self,
        kind: str,
        existing: dict[Any, models.Model],
        desired: dict[Any, dict[str, Any]],
        build: Callable[[Any, dict[str, Any]], models.Model],
        label: Callable[[Any], str] = str,
    ) -> dict[Any, models.Model]:
        """Make the rows of one kind match `desired` (key -> field values); return key -> row.

        New rows are built unsaved by `build(key, fields)` and inserted in bulk (their primary
        keys come back from the insert, on SQLite and PostgreSQL alike)."""
        counts = self.report.counts[kind]
        result: dict[Any, models.Model] = {}
        new: list[models.Model] = []
        for key, fields in desired.items():
            row = existing.get(key)
            if row is None:
                row = build(key, fields)
                new.append(row)
                action, detail = "created", ""
            else:
                diff = [name for name, value in fields.items() if getattr(row, name) != value]
                for name in diff:
                    setattr(row, name, fields[name])
                if not row.active:  # type: ignore[attr-defined]
                    row.active = True  # type: ignore[attr-defined]
                    row.save()
                    action, detail = "reactivated", ""
                elif diff:
                    row.save(update_fields=[*diff, "updated"])
                    action, detail = "updated", ", ".join(name.removesuffix("_id") for name in diff)
                else:
                    action, detail = "unchanged", ""
            setattr(counts, action, getattr(counts, action) + 1)
            self.status[(kind, key)] = action
            self._note(kind, label(key), action, detail)
            result[key] = row
        if new:
            type(new[0]).objects.bulk_create(new, batch_size=500)
        for key, row in existing.items():
            if key not in desired and row.active:  # type: ignore[attr-defined]
                row.active = False  # type: ignore[attr-defined]
                row.save(update_fields=["active", "updated"])
                counts.deactivated += 1
                self._note(kind, label(key), "deactivated")
        return result

    def links(
        self,
        kind: str,
        field: str,
        rows: dict[Any, models.Model],
        desired: dict[Any, list[int]],
        label: Callable[[Any], str] = str,
    ) -> None:
        """Make the many-to-many `field` of each row match `desired` (key -> target pks, in
        file order, which new links keep so an export lists them as the file did)."""
        if not rows:
            return
        descriptor = getattr(type(next(iter(rows.values()))), field)
        through = descriptor.through
        source = descriptor.field.m2m_field_name()
        target = descriptor.field.m2m_reverse_field_name()
        current: dict[int, set[int]] = defaultdict(set)
        # Every owner belongs to the import's site (one filter, whatever the number of rows).
        site_id = next(iter(rows.values())).site_id  # type: ignore[attr-defined]
        for owner, linked in through.objects.filter(**{f"{source}__site_id": site_id}).values_list(
            f"{source}_id", f"{target}_id"
        ):
            current[owner].add(linked)
        counts = self.report.counts[kind]
        added = []
        for key, row in rows.items():
            wanted = list(dict.fromkeys(desired.get(key, ())))
            have = current.get(row.pk, set())
            if have == set(wanted):
                continue
            gone = have - set(wanted)
            if gone:
                through.objects.filter(
                    **{f"{source}_id": row.pk, f"{target}_id__in": gone}
                ).delete()
            # Added in bulk and in file order (Django's `set()` would add them in set order).
            added += [
                through(**{f"{source}_id": row.pk, f"{target}_id": pk})
                for pk in wanted if pk not in have
            ]
            if self.status.get((kind, key)) == "unchanged":
                self.status[(kind, key)] = "updated"
                counts.unchanged -= 1
                counts.updated += 1
                self._note(kind, label(key), "updated", field)
        through.objects.bulk_create(added, batch_size=1000)


def _by(queryset: Iterable[models.Model], key: Callable[[Any], Any]) -> dict[Any, Any]:
    return {key(row): row for row in queryset}


def _new(
    model: type[models.Model], key_field: str = "code", **common: Any
) -> Callable[[Any, dict[str, Any]], Any]:
    """A row builder: the key goes into `key_field`, beside the common and desired values."""

    def build(key: Any, fields: dict[str, Any]) -> models.Model:
        return model(**common, **{key_field: key}, **fields)

    return build


def import_site_text(
    text: str | bytes, *, actor: str = "system", source: str = "", request: Any = None,
    dry_run: bool = False,
) -> ImportReport:
    """Validate a site file's text (every problem at once: `SiteValidationError`, nothing
    written), hash its PINs with the server's key, and import it."""
    from vaultdoor.engine.sitefile import load_site

    from .pinkey import server_pin_hasher

    if isinstance(text, bytes):
        text = text.decode("utf-8")
    site = load_site(text, pin_hasher=server_pin_hasher())
    return import_site(site, actor=actor, source=source, request=request, dry_run=dry_run)


def import_site(
    site: em.Site, *, actor: str = "system", source: str = "", request: Any = None,
    dry_run: bool = False,
) -> ImportReport:
    """Make the database hold exactly `site` (a validated engine `Site`), in one transaction.

    Raises `ImportConflict` (nothing written) when a card of the file belongs to another site.
    With `dry_run`, do all of it, report, and roll it back (nothing written, nothing audited).
    """
    from vaultdoor.audit import record

    report = ImportReport(site=site.id)
    with transaction.atomic(), revision_bumps_suspended():
        row = Site.objects.select_for_update().filter(code=site.id).first()
        if row is None:
            row = Site.objects.create(code=site.id, name=site.name, timezone=site.timezone)
            report.site_created = True
            report.changes.append(f"created site {site.id}")
        elif (row.name, row.timezone, row.active) != (site.name, site.timezone, True):
            row.name, row.timezone, row.active = site.name, site.timezone, True
            row.save(update_fields=["name", "timezone", "active", "updated"])
            report.site_updated = True
            report.changes.append(f"updated site {site.id}")
        sync = _Sync(report)
        _import_building(sync, row, site)
        if report.changed:
            row.bump_revision()
        report.revision = row.revision
        if dry_run:
            report.dry_run = True
            transaction.set_rollback(True)
            return report
        listed = report.changes[:MAX_LISTED_CHANGES]
        event = record(
            "site.import", actor=actor, target_type="site", target_id=site.id, request=request,
            summary=report.summary(), changed=report.changed, counts=report.counts_dict(),
            changes=listed, changes_omitted=len(report.changes) - len(listed),
            revision=report.revision, source=source,
        )
        report.audit_seq = getattr(event, "seq", None)
    return report


def _import_building(sync: _Sync, site_row: Site, site: em.Site) -> None:
    """Floors, zones and doors, then the policy, then the people."""
    floors = sync.rows(
        "floors",
        _by(Floor.objects.filter(site=site_row), lambda f: f.code),
        {f.id: {"name": f.name, "level": f.level} for f in site.floors},
        _new(Floor, site=site_row),
    )
    zones = sync.rows(
        "zones",
        _by(Zone.objects.filter(site=site_row), lambda z: z.code),
        {
            z.id: {
                "name": z.name, "floor_id": floors[z.floor].pk, "security": z.security,
                "purpose": z.purpose, "phones": z.phones, "customer_data": z.customer_data,
                "requires_vetting": z.requires_vetting, "anti_passback": z.anti_passback,
                "max_occupancy": z.max_occupancy, "two_person": z.two_person,
                "two_person_window_s": z.two_person_window_s,
            }
            for z in site.zones
        },
        _new(Zone, site=site_row),
    )
    sync.rows(
        "doors",
        _by(Door.objects.filter(site=site_row), lambda d: d.code),
        {
            d.id: {
                "name": d.name, "mode": d.mode, "to_zone_id": zones[d.to_zone].pk,
                "from_zone_id": None if d.from_zone == em.OUTSIDE else zones[d.from_zone].pk,
            }
            for d in site.doors
        },
        _new(Door, site=site_row),
    )
    sync.rows(
        "holidays",
        _by(Holiday.objects.filter(site=site_row), lambda h: h.date),
        {h.date: {"name": h.name} for h in site.holidays},
        _new(Holiday, "date", site=site_row),
        label=lambda date: date.isoformat(),
    )
    schedules = sync.rows(
        "schedules",
        _by(Schedule.objects.filter(site=site_row), lambda s: s.code),
        {
            s.id: {"windows": [window_to_json(w) for w in s.windows], "holidays": s.holidays}
            for s in site.schedules
        },
        _new(Schedule, site=site_row),
    )
    levels = sync.rows(
        "access levels",
        _by(AccessLevel.objects.filter(site=site_row), lambda a: a.code),
        {a.id: {"name": a.name, "schedule_id": schedules[a.schedule].pk}
         for a in site.access_levels},
        _new(AccessLevel, site=site_row),
    )
    sync.links(
        "access levels", "zones", levels,
        {a.id: [zones[z].pk for z in a.zones] for a in site.access_levels},
    )
    roles = sync.rows(
        "roles",
        _by(Role.objects.filter(site=site_row), lambda r: r.code),
        {r.id: {"name": r.name} for r in site.roles},
        _new(Role, site=site_row),
    )
    sync.links(
        "roles", "access_levels", roles,
        {r.id: [levels[a].pk for a in r.access_levels] for r in site.roles},
    )
    people = sync.rows(
        "people",
        _by(Person.objects.filter(site=site_row), lambda p: p.code),
        {
            p.id: {
                "name": p.name, "kind": p.kind, "status": p.status,
                "role_id": roles[p.role].pk if p.role else None,
                "vetting_status": p.vetting.status, "vetting_completed": p.vetting.completed,
                "vetting_expires": p.vetting.expires,
                "vetting_findings": list(p.vetting.findings),
            }
            for p in site.people
        },
        _new(Person, site=site_row),
    )
    sync.links(
        "people", "access_levels", people,
        {p.id: [levels[a].pk for a in p.access_levels] for p in site.people},
    )
    _import_credentials(sync, site_row, site, people)


def _import_credentials(
    sync: _Sync, site_row: Site, site: em.Site, people: dict[str, Any]
) -> None:
    """Cards (known by format, facility and number), PINs (by hash) and biometrics (by order)."""
    codes = {row.pk: code for code, row in people.items()}
    desired_cards = {
        (c.format, c.facility, c.number): {
            "person_id": people[p.id].pk, "status": c.status,
            "valid_from": c.valid_from, "valid_until": c.valid_until,
        }
        for p in site.people for c in p.cards
    }
    existing_cards = _by(
        Card.objects.filter(person__site=site_row),
        lambda c: (c.format, c.facility, c.number),
    )
    foreign = Card.objects.exclude(person__site=site_row).select_related("person__site")
    numbers = sorted({number for _, _, number in desired_cards})
    # In chunks: SQLite caps the number of parameters of one statement.
    chunks = (numbers[i : i + 5000] for i in range(0, len(numbers), 5000))
    for card in (card for chunk in chunks for card in foreign.filter(number__in=chunk)):
        key = (card.format, card.facility, card.number)
        if key in desired_cards:
            raise ImportConflict(
                f"card {card.format} {card.facility}:{card.number} already belongs to "
                f"{card.person.code} at site {card.person.site.code}; a card identifies one "
                "person: revoke it there first or give a different card"
            )
    sync.rows(
        "cards", existing_cards, desired_cards,
        lambda key, fields: Card(format=key[0], facility=key[1], number=key[2], **fields),
        label=lambda key: f"{key[0]} {key[1]}:{key[2]}",
    )
    sync.rows(
        "PINs",
        _by(Pin.objects.filter(person__site=site_row), lambda n: (n.person_id, n.pin_hash)),
        {(people[p.id].pk, pin.pin_hash): {} for p in site.people for pin in p.pins},
        lambda key, fields: Pin(person_id=key[0], pin_hash=key[1]),
        label=lambda key: f"of {codes.get(key[0], key[0])}",
    )
    existing_bio: dict[tuple[int, int], Biometric] = {}
    position: dict[int, int] = defaultdict(int)
    for bio in Biometric.objects.filter(person__site=site_row).order_by("pk"):
        existing_bio[(bio.person_id, position[bio.person_id])] = bio
        position[bio.person_id] += 1
    sync.rows(
        "biometrics",
        existing_bio,
        {
            (people[p.id].pk, index): {"consent": b.consent, "status": b.status}
            for p in site.people for index, b in enumerate(p.biometrics)
        },
        lambda key, fields: Biometric(person_id=key[0], **fields),
        label=lambda key: f"of {codes.get(key[0], key[0])}",
    )
