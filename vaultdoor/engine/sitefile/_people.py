"""The people of a site file: who they are, their vetting and their credentials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from vaultdoor.engine import model
from vaultdoor.engine.cards import CARD_LAYOUTS
from vaultdoor.engine.pins import PinHasher, PinHashError
from vaultdoor.engine.sitefile._fields import Checker, IdRegistry

__all__ = ["PeopleReader"]

PIN_DIGITS = (4, 8)


@dataclass
class _Credentials:
    cards: list[model.Card] = field(default_factory=list)
    pins: list[model.Pin] = field(default_factory=list)
    biometrics: list[model.Biometric] = field(default_factory=list)
    ok: bool = True


class PeopleReader:
    """Reads `people`, checking the rules that span people (cards and PINs unique)."""

    def __init__(
        self,
        checker: Checker,
        *,
        tz: dt.tzinfo,
        pin_hasher: PinHasher,
        roles: IdRegistry,
        levels: IdRegistry,
        unique_pins: bool,
    ) -> None:
        self.c = checker
        self.tz = tz
        self.hasher = pin_hasher
        self.roles = roles
        self.levels = levels
        self.unique_pins = unique_pins
        self.people = IdRegistry(checker, "person")
        self._cards: dict[tuple[str, int, int], str] = {}
        self._pins: dict[str, tuple[str, str]] = {}  # pin hash -> (path, person id)

    def read(self, value: object) -> list[model.Person]:
        result = []
        for path, item in self.c.items(value, "people"):
            person = self._person(path, item)
            if person is not None:
                result.append(person)
        return result

    def _person(self, path: str, item: object) -> model.Person | None:
        c = self.c
        fields = c.fields(
            item,
            path,
            required=("id", "name", "kind", "status"),
            optional=("role", "vetting", "access_levels", "credentials"),
        )
        if fields is None:
            return None
        ident = c.ident(fields["id"], f"{path}.id") if "id" in fields else None
        declared = self.people.declare(ident, f"{path}.id")
        name = c.text(fields["name"], f"{path}.name") if "name" in fields else None
        kind = (
            c.choice(fields["kind"], f"{path}.kind", model.PERSON_KINDS)
            if "kind" in fields
            else None
        )
        status = (
            c.choice(fields["status"], f"{path}.status", model.PERSON_STATUSES)
            if "status" in fields
            else None
        )
        role: str | None = None
        role_ok = True
        if fields.get("role") is not None:
            role = self.roles.refer(fields["role"], f"{path}.role")
            role_ok = role is not None
        vetting = (
            self._vetting(f"{path}.vetting", fields["vetting"])
            if fields.get("vetting") is not None
            else model.Vetting()
        )
        levels = self._levels(f"{path}.access_levels", fields.get("access_levels", []))
        credentials = self._credentials(
            f"{path}.credentials", fields.get("credentials", []), ident or "?"
        )
        if not (declared and role_ok and credentials.ok):
            return None
        if name is None or kind is None or status is None or vetting is None or levels is None:
            return None
        assert ident is not None
        return model.Person(
            id=ident,
            name=name,
            kind=kind,
            status=status,
            role=role,
            vetting=vetting,
            access_levels=tuple(levels),
            cards=tuple(credentials.cards),
            pins=tuple(credentials.pins),
            biometrics=tuple(credentials.biometrics),
        )

    def _levels(self, path: str, value: object) -> list[str] | None:
        if not isinstance(value, list):
            self.c.error(path, "must be a list of access level ids")
            return None
        found: list[str] | None = []
        for item_path, item in self.c.items(value, path):
            ident = self.levels.refer(item, item_path)
            if ident is None or found is None:
                found = None
            elif ident not in found:
                found.append(ident)
        return found

    def _vetting(self, path: str, value: object) -> model.Vetting | None:
        c = self.c
        fields = c.fields(value, path, optional=("status", "completed", "expires", "findings"))
        if fields is None:
            return None
        status = c.choice(
            fields.get("status", "not_started"), f"{path}.status", model.VETTING_STATUSES
        )
        completed = expires = None
        dates_ok = True
        if fields.get("completed") is not None:
            completed = c.date(fields["completed"], f"{path}.completed")
            dates_ok = completed is not None
        if fields.get("expires") is not None:
            expires = c.date(fields["expires"], f"{path}.expires")
            dates_ok = dates_ok and expires is not None
        findings: list[str] | None = []
        raw_findings = fields.get("findings", [])
        if not isinstance(raw_findings, list):
            c.error(f"{path}.findings", "must be a list of finding categories (use [] for none)")
            raw_findings, findings = [], None
        for item_path, item in c.items(raw_findings, f"{path}.findings"):
            category = c.choice(item, item_path, model.FINDINGS)
            if category is None or findings is None:
                findings = None
            elif category not in findings:
                findings.append(category)
        if status is None or not dates_ok or findings is None:
            return None
        return model.Vetting(
            status=status, completed=completed, expires=expires, findings=tuple(findings)
        )

    def _credentials(self, path: str, value: object, person_id: str) -> _Credentials:
        found = _Credentials()
        if not isinstance(value, list):
            self.c.error(path, "must be a list of credentials (use [] for none)")
            found.ok = False
            return found
        for item_path, item in self.c.items(value, path):
            if not isinstance(item, dict):
                self.c.error(item_path, "must be a mapping with a type: card, pin or biometric")
                found.ok = False
                continue
            kind = item.get("type")
            if kind == "card":
                card = self._card(item_path, item, person_id)
                found.ok &= card is not None
                if card is not None:
                    found.cards.append(card)
            elif kind == "pin":
                pin = self._pin(item_path, item, person_id)
                found.ok &= pin is not None
                if pin is not None:
                    found.pins.append(pin)
            elif kind == "biometric":
                biometric = self._biometric(item_path, item)
                found.ok &= biometric is not None
                if biometric is not None:
                    found.biometrics.append(biometric)
            else:
                where = f"{item_path}.type"
                if "type" not in item:
                    self.c.error(where, "is required (card, pin or biometric)")
                else:
                    self.c.choice(kind, where, ("card", "pin", "biometric"))
                found.ok = False
        return found

    def _card(self, path: str, item: dict[str, Any], person_id: str) -> model.Card | None:
        c = self.c
        fields = c.fields(
            item,
            path,
            required=("type", "facility", "number"),
            optional=("format", "status", "valid_from", "valid_until"),
        )
        if fields is None:
            return None
        card_format = c.choice(
            fields.get("format", "h10301"), f"{path}.format", tuple(CARD_LAYOUTS)
        )
        layout = CARD_LAYOUTS.get(card_format or "")
        facility = number = None
        if "facility" in fields:
            high = layout.max_facility if layout else None
            facility = c.integer(fields["facility"], f"{path}.facility", low=0, high=high)
        if "number" in fields:
            high = layout.max_number if layout else None
            number = c.integer(fields["number"], f"{path}.number", low=0, high=high)
        status = c.choice(
            fields.get("status", "active"), f"{path}.status", model.CREDENTIAL_STATUSES
        )
        valid_from = valid_until = None
        times_ok = True
        if fields.get("valid_from") is not None:
            valid_from = c.instant(fields["valid_from"], f"{path}.valid_from", self.tz)
            times_ok = valid_from is not None
        if fields.get("valid_until") is not None:
            valid_until = c.instant(fields["valid_until"], f"{path}.valid_until", self.tz)
            times_ok = times_ok and valid_until is not None
        if valid_from is not None and valid_until is not None and valid_from >= valid_until:
            c.error(f"{path}.valid_until", "must be after valid_from")
            times_ok = False
        if card_format is None or facility is None or number is None or status is None:
            return None
        key = (card_format, facility, number)
        first = self._cards.get(key)
        if first is not None:
            c.error(
                path,
                f"card {card_format} {facility}:{number} is already held by {first}; "
                "no two cards may share format, facility and number",
            )
            return None
        self._cards[key] = f"{path} ({person_id})"
        if not times_ok:
            return None
        return model.Card(
            facility=facility,
            number=number,
            format=card_format,
            status=status,
            valid_from=valid_from,
            valid_until=valid_until,
        )

    def _pin(self, path: str, item: dict[str, Any], person_id: str) -> model.Pin | None:
        c = self.c
        fields = c.fields(item, path, required=("type",), optional=("pin", "pin_hash"))
        if fields is None:
            return None
        if "pin" in fields and "pin_hash" in fields:
            c.error(path, "give either pin or pin_hash, not both")
            return None
        pin_hash: str | None = None
        where = f"{path}.pin"
        if "pin_hash" in fields:
            where = f"{path}.pin_hash"
            try:
                self.hasher.check_hash(fields["pin_hash"])
                pin_hash = fields["pin_hash"]
            except PinHashError as exc:
                c.error(where, str(exc))
        elif "pin" not in fields:
            c.error(where, "is required (a quoted string of 4 to 8 digits)")
        else:
            pin_hash = self._hash_pin(where, fields["pin"])
        if pin_hash is None:
            return None
        if self.unique_pins:
            first = self._pins.get(pin_hash)
            if first is not None and first[1] != person_id:
                c.error(
                    where,
                    f"the same PIN as {first[0]} ({first[1]}); where a door has mode pin the "
                    "PIN identifies its holder, so no two people may share one",
                )
                return None
            self._pins.setdefault(pin_hash, (path, person_id))
        return model.Pin(pin_hash=pin_hash)

    def _hash_pin(self, path: str, value: object) -> str | None:
        low, high = PIN_DIGITS
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.c.error(
                path,
                'must be a quoted string like "0421" (YAML reads unquoted digits as a number '
                "and drops leading zeros)",
            )
            return None
        if not isinstance(value, str):
            self.c.error(path, f'must be a quoted string of {low} to {high} digits like "0421"')
            return None
        if not (low <= len(value) <= high and value.isascii() and value.isdigit()):
            self.c.error(path, f"must be {low} to {high} digits")
            return None
        return self.hasher.hash(value)

    def _biometric(self, path: str, item: dict[str, Any]) -> model.Biometric | None:
        c = self.c
        fields = c.fields(item, path, required=("type", "consent"), optional=("status",))
        if fields is None:
            return None
        consent_ok = fields.get("consent") is True
        if "consent" in fields and not consent_ok:
            c.error(
                f"{path}.consent",
                "must be true: a biometric credential needs recorded, explicit consent",
            )
        status = c.choice(
            fields.get("status", "active"), f"{path}.status", model.CREDENTIAL_STATUSES
        )
        if not consent_ok or status is None:
            return None
        return model.Biometric(consent=True, status=status)
