"""Fixtures for vault tests: keys of their own, queues, users in each role, canary customers."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from vaultdoor.vault.keys import reset_keys


def write_key(path, seed: int) -> str:
    path.write_bytes(bytes([seed]) * 32)
    return f"file:{path}"


@pytest.fixture(autouse=True)
def vault_keys(tmp_path, monkeypatch):
    """KEK version 1 and an index key in this test's folder (nothing shared between tests)."""
    kek1 = write_key(tmp_path / "kek1", 1)
    index = write_key(tmp_path / "index", 9)
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"1={kek1}")
    monkeypatch.setenv("VAULTDOOR_VAULT_INDEX_KEY", index)
    reset_keys()
    yield tmp_path
    reset_keys()


def add_kek(monkeypatch, tmp_path, version: int) -> None:
    """Load KEK versions 1..`version` (as an operator would after creating a new key)."""
    parts = [f"{v}={write_key(tmp_path / f'kek{v}', v)}" for v in range(1, version + 1)]
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", ",".join(parts))
    reset_keys()


@pytest.fixture
def queue(db):
    from vaultdoor.vault.models import Queue

    return Queue.objects.create(code="billing", name="Billing")


@pytest.fixture
def other_queue(db):
    from vaultdoor.vault.models import Queue

    return Queue.objects.create(code="sales", name="Sales campaign", kind="campaign")


CANARY = {
    "name": "Zebedee Canarywhistle",
    "phones": ["07911 123456", "+44 20 7946 0813"],
    "email": "zebedee.canary-7f3a@example.org",
    "postal_address": "17 Canaryquill Lane, Slough SL1 4QQ",
    "date_of_birth": "1971-04-03",
    "account_number": "88442211",
    "card_number": "4929 1234 5678 9015",  # passes Luhn (checked in a test)
    "card_expiry": "09/31",
    "notes": "prefers morning calls canarynote-91c",
}


def canary_data(**changes):
    from vaultdoor.vault.services.records import CustomerData

    values = {**CANARY, **changes}
    return CustomerData(**values)


@pytest.fixture
def customer(queue):
    from vaultdoor.vault.services.records import create_customer

    return create_customer(queue, canary_data(), actor="test")


def make_person(code: str, *, cleared: bool = True):
    """A person at a minimal site, vetted cleared (or not) until well in the future."""
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    site, _ = Site.objects.get_or_create(code="vault-site", defaults={
        "name": "Vault site", "timezone": "Europe/London"})
    values = {"site": site, "code": code, "name": f"Person {code}", "kind": "employee",
              "vetting_status": "cleared" if cleared else "pending",
              "vetting_expires": dt.date.today() + dt.timedelta(days=365)}
    return Person.objects.create(**values)


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(role, cleared=True, queues=(), supervises=()) -> a user with an account."""
    from vaultdoor.identity.services.accounts import account_for, assign_role

    def make(role: str, *, name: str | None = None, cleared: bool = True, queues=(),
             supervises=()):
        username = name or f"{role}-{django_user_model.objects.count() + 1}"
        user = django_user_model.objects.create_user(username, password="x-unused-pass-1")
        account = account_for(user)
        assign_role(account, role)
        account.person = make_person(username, cleared=cleared)
        account.save(update_fields=["person"])
        for q in queues:
            q.agents.add(user)
        for q in supervises:
            q.supervisors.add(user)
        return type(user).objects.select_related("account").get(pk=user.pk)

    return make


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from vaultdoor.testing.browser import browser_session, chromium  # noqa: E402,F401 - fixtures
