"""The demo centre's customers: two queues, fictional customers, and two console accounts
(an agent and their supervisor) to try search, masking and reveal with.

Every value is obviously fake: names such as "Alex Example", phone numbers in the 555-01xx
range reserved for fiction in North America, addresses on Example Street, e-mail addresses at
example.com, and the card numbers the card schemes publish for testing (they pass the Luhn
check, so the import's validation accepts them, but no issuer will ever authorise one).

The customers go in through the real CSV import (validated, encrypted under the vault's key,
audited). When `VAULTDOOR_VAULT_KEYS` is not set, the vault's development key
`<data dir>/secrets/vault-kek-1` is generated on first use; it lives in the data directory and
is never part of the repository.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vaultdoor.audit import record
from vaultdoor.demo.centre import DEMO_SITE_ID

__all__ = ["DEMO_ACCOUNTS", "DEMO_QUEUES", "TEST_CARDS", "demo_customers_csv",
           "reset_vault_users", "seed_vault"]

# code, name, kind; the demo agent works the first, their supervisor's team both
DEMO_QUEUES = (("billing", "Billing and payments", "queue"),
               ("winter-retention", "Winter retention campaign", "campaign"))
# username, identity role, person id prefix in the demo site
DEMO_ACCOUNTS = (("demo-agent", "agent", "A"), ("demo-supervisor", "supervisor", "S"))
# Published test card numbers (Visa, Mastercard, Amex, Discover, JCB): Luhn-valid, never real.
TEST_CARDS = ("4111111111111111", "5555555555554444", "378282246310005", "4242424242424242",
              "5105105105105100", "6011111111111117", "4012888888881881", "2223003122003222",
              "371449635398431", "3566002020360505", "4000056655665556", "5200828282828210")
_FIRST = ("Alex", "Sam", "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Robin", "Drew")
_LAST = ("Example", "Sample", "Testington", "Placeholder", "Demo")
_AREAS = ("202", "212", "312", "415", "617")
_COLUMNS = ("queue", "name", "phones", "email", "postal_address", "date_of_birth",
            "account_number", "card_number", "card_expiry", "notes")
PER_QUEUE = 15


def demo_customers_csv(today: dt.date) -> str:
    """The demo customers as an import file (deterministic; card expiries after `today`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for i in range(PER_QUEUE * len(DEMO_QUEUES)):
        queue = DEMO_QUEUES[i // PER_QUEUE][0]
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
        phones = [f"+1 {_AREAS[i % len(_AREAS)]} 555 01{i:02d}"]
        if i % 3 == 0:
            phones.append(f"+1 {_AREAS[(i + 2) % len(_AREAS)]} 555 01{99 - i:02d}")
        has_card = i % 4 != 3  # some customers hold no card with us
        expiry_year = (today.year + 1 + i % 4) % 100
        writer.writerow([
            queue,
            f"{first} {last}",
            ";".join(phones),
            f"{first}.{last}.{i + 1:02d}@example.com".lower(),
            f"{i + 1} Example Street, Testville TE5 {i % 9 + 1}ST",
            f"{1950 + (i * 7) % 50}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            f"{90000000 + i * 7919}",
            TEST_CARDS[i % len(TEST_CARDS)] if has_card else "",
            f"{i % 12 + 1:02d}/{expiry_year:02d}" if has_card else "",
            "Demo customer: fictional data for trying the vault.",
        ])
    return out.getvalue()


@dataclass(frozen=True)
class DemoLogin:
    """A demo console account and its fresh one-time password."""

    username: str
    role: str
    password: str


def _describe_keys() -> str:
    from vaultdoor import config
    from vaultdoor.vault.keys import keyring

    ring = keyring()  # generates <data dir>/secrets/vault-kek-1 when nothing is configured
    if config.env("VAULT_KEYS"):
        return f"vault keys from VAULTDOOR_VAULT_KEYS (newest version {ring.current})"
    return (f"development vault key version {ring.current} in "
            f"{config.data_dir() / 'secrets'} (set VAULTDOOR_VAULT_KEYS in production)")


def _person_for(prefix: str, today: dt.date):
    """The first active, cleared person of the demo site whose id starts with `prefix` and
    who has no console account yet."""
    from vaultdoor.people.models import Person

    candidates = (Person.objects.filter(site__code=DEMO_SITE_ID, code__startswith=prefix,
                                        status="active", vetting_status="cleared",
                                        vetting_expires__gt=today + dt.timedelta(days=30),
                                        account__isnull=True)
                  .order_by("code"))
    return next((p for p in candidates if not p.vetting_findings), None)


def seed_vault(*, echo: Callable[[str], None] = print, today: dt.date | None = None) -> bool:
    """Queues, customers and the two demo accounts; nothing when the vault already has
    queues. Returns whether anything was added."""
    from vaultdoor.identity.services.accounts import create_account
    from vaultdoor.vault.models import Queue
    from vaultdoor.vault.services.importer import import_customers

    if Queue.objects.exists():
        echo("demo: the vault already has queues; leaving it as it is")
        return False
    today = today or timezone.localdate()
    echo(f"demo: {_describe_keys()}")
    user_model = get_user_model()
    with transaction.atomic():
        queues = {code: Queue.objects.create(code=code, name=name, kind=kind)
                  for code, name, kind in DEMO_QUEUES}
        for username, role, prefix in DEMO_ACCOUNTS:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                person = _person_for(prefix, today)
                if person is None:
                    echo(f"demo: no cleared person left for {username}; skipped")
                    continue
                first, _, last = person.name.partition(" ")
                user = create_account(username, role=role, person=person, actor="demo",
                                      first_name=first, last_name=last).user
            if role == "agent":
                queues[DEMO_QUEUES[0][0]].agents.add(user)
            else:
                for queue in queues.values():
                    queue.supervisors.add(user)
        result = import_customers(demo_customers_csv(today), actor="demo", today=today)
    echo(f"demo: {result.imported} fictional customers in "
         f"{', '.join(f'{code} ({n})' for code, n in sorted(result.by_queue.items()))}")
    return True


def reset_vault_users() -> list[DemoLogin]:
    """A fresh one-time password for each demo vault account that exists (audited)."""
    logins: list[DemoLogin] = []
    users = get_user_model().objects.select_related("account")
    for username, role, _ in DEMO_ACCOUNTS:
        user = users.filter(username=username).first()
        if user is None:
            continue
        password = secrets.token_urlsafe(15)
        with transaction.atomic():
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            record("auth.password_reset", actor="demo", target_type="user", target_id=username,
                   reason="demo vault account")
        logins.append(DemoLogin(username, role, password))
    return logins
