"""A small centre built straight from the models: one site, zones, doors, people, accounts.

Each test adds the few rows its control reads, so a failing state is one line away from a
passing one.
"""

from __future__ import annotations

import itertools

import pytest

from vaultdoor.testing.browser import browser_session, chromium  # noqa: F401 - fixtures

_numbers = itertools.count(1)


class Centre:
    """Builders for the rows the controls read (defaults: a plain, passing centre)."""

    def __init__(self, code: str = "hq") -> None:
        from vaultdoor.access.models import Schedule
        from vaultdoor.facilities.models import Floor, Site

        self.site = Site.objects.create(code=code, name=code.upper(), timezone="Europe/London")
        self.floor = Floor.objects.create(site=self.site, code="G", name="Ground", level=0)
        self.schedule = Schedule.objects.create(
            site=self.site, code="always",
            windows=[{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                      "from": "00:00", "to": "24:00"}])

    def zone(self, code: str, **fields):
        from vaultdoor.facilities.models import Zone

        return Zone.objects.create(site=self.site, floor=self.floor, code=code, name=code,
                                   **fields)

    def door(self, code: str, to_zone, mode: str = "card"):
        from vaultdoor.facilities.models import Door

        return Door.objects.create(site=self.site, code=code, name=code, to_zone=to_zone,
                                   mode=mode)

    def level(self, code: str, *zones):
        from vaultdoor.access.models import AccessLevel

        level = AccessLevel.objects.create(site=self.site, code=code, schedule=self.schedule)
        level.zones.set(zones)
        return level

    def role(self, code: str, *levels):
        from vaultdoor.access.models import Role

        role = Role.objects.create(site=self.site, code=code)
        role.access_levels.set(levels)
        return role

    def person(self, code: str, *levels, card: bool = True, **fields):
        from vaultdoor.people.models import Card, Person

        person = Person.objects.create(site=self.site, code=code, name=code, kind="employee",
                                       **fields)
        person.access_levels.set(levels)
        if card:
            Card.objects.create(person=person, facility=1, number=next(_numbers))
        return person


@pytest.fixture
def centre(db):
    return Centre()


@pytest.fixture
def account(db, django_user_model):
    """make(username, role='', person=None, factor=None|'totp'|'passkey'|'unconfirmed')."""
    from django.utils import timezone

    from vaultdoor.identity.models import TotpDevice, WebAuthnCredential
    from vaultdoor.identity.services.accounts import account_for

    def make(username: str, role: str = "", person=None, factor: str | None = None,
             superuser: bool = False, **fields):
        maker = (django_user_model.objects.create_superuser if superuser
                 else django_user_model.objects.create_user)
        user = maker(username, email=None, password=None)
        user.password = "argon2$placeholder"  # a usable password, without hashing one
        user.save(update_fields=["password"])
        row = account_for(user)
        for name, value in {"role": role, "person": person, **fields}.items():
            setattr(row, name, value)
        row.save()
        now = timezone.now()
        if factor in ("totp", "unconfirmed"):
            TotpDevice.objects.create(account=row, sealed_secret="x", created=now,
                                      confirmed=factor == "totp")
        elif factor == "passkey":
            WebAuthnCredential.objects.create(account=row, credential_id=f"c-{username}",
                                              public_key="pk", created=now)
        return row

    return make
