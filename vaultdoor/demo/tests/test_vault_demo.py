"""The demo centre's vault: fictional customers through the real import, two accounts to try
search, masking and reveal with, and a development key generated into the data directory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess

import pytest
from django.contrib.auth import get_user_model

from vaultdoor.audit.models import AuditEvent
from vaultdoor.demo.seed import seed_demo
from vaultdoor.demo.vault import TEST_CARDS, demo_customers_csv, reset_vault_users
from vaultdoor.vault.keys import reset_keys
from vaultdoor.vault.normalise import luhn_ok
from vaultdoor.vault.policy import visible_customers
from vaultdoor.vault.services.reveal import masked_view, reveal_field
from vaultdoor.vault.services.search import search_customers
from vaultdoor.vetting.services import is_cleared

pytestmark = pytest.mark.django_db

WEDNESDAY_AFTERNOON = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory of the test's own and no vault keys configured (as `make demo`)."""
    monkeypatch.setenv("VAULTDOOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("VAULTDOOR_VAULT_KEYS", raising=False)
    monkeypatch.delenv("VAULTDOOR_VAULT_INDEX_KEY", raising=False)
    reset_keys()
    yield tmp_path
    reset_keys()


def test_demo_customers_are_obviously_fictional():
    rows = list(csv.DictReader(io.StringIO(demo_customers_csv(dt.date(2026, 12, 2)))))
    assert len(rows) == 30
    for row in rows:
        assert row["email"].endswith("@example.com")
        for phone in row["phones"].split(";"):
            assert phone.startswith("+1 ") and " 555 01" in phone
        assert "Example Street" in row["postal_address"]
        if row["card_number"]:
            assert row["card_number"] in TEST_CARDS
    assert all(luhn_ok(card) for card in TEST_CARDS)


def test_seed_adds_queues_customers_and_accounts(data_dir):
    lines: list[str] = []
    seed_demo(agents=20, seed=1, if_empty=False, echo=lines.append, now=WEDNESDAY_AFTERNOON)
    assert (data_dir / "secrets" / "vault-kek-1").exists()  # generated, in the data directory
    assert any("development vault key version 1" in line for line in lines)
    assert any("30 fictional customers" in line for line in lines)
    assert AuditEvent.objects.filter(action="vault.import", actor="demo").count() == 1

    users = get_user_model().objects.select_related("account", "account__person")
    agent, supervisor = users.get(username="demo-agent"), users.get(username="demo-supervisor")
    assert agent.account.role == "agent" and supervisor.account.role == "supervisor"
    assert is_cleared(agent.account.person_id) and is_cleared(supervisor.account.person_id)
    # the agent opens one queue's customers, the supervisor's team both
    assert visible_customers(agent).count() == 15
    assert visible_customers(supervisor).count() == 30

    [found] = search_customers(agent, "phone", "+1 202 555 0100")
    masked = masked_view(agent, found)
    assert masked["card_number"] == "••••1111" and "Alex" not in masked["name"]
    assert masked_view(supervisor, found)["card_number"] == "411111••••••1111"
    assert reveal_field(agent, found, "email", "customer asked to confirm the address",
                        stepped_up=True) == "alex.example.01@example.com"
    assert reveal_field(supervisor, found, "card_number", "customer asked to confirm the card",
                        stepped_up=True) == "4111111111111111"

    # the printed one-time passwords work, and change every time
    first = {login.username: login.password for login in reset_vault_users()}
    second = {login.username: login.password for login in reset_vault_users()}
    assert set(first) == {"demo-agent", "demo-supervisor"} and first != second
    agent.refresh_from_db()
    assert agent.check_password(second["demo-agent"])

    # seeding again leaves the vault alone
    again: list[str] = []
    seed_demo(agents=20, seed=1, if_empty=True, echo=again.append, now=WEDNESDAY_AFTERNOON)
    assert any("vault already has queues" in line for line in again)
    assert visible_customers(supervisor).count() == 30


def test_no_vault_key_is_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True,
                             check=False).stdout.splitlines()
    assert not [path for path in tracked if "vault-kek" in path or "vault-index-key" in path]


def test_demo_admin_prints_the_vault_logins(data_dir):
    from click.testing import CliRunner

    from vaultdoor.cli.demo import demo
    from vaultdoor.demo.vault import seed_vault

    quiet = CliRunner().invoke(demo, ["admin"])
    assert quiet.exit_code == 0 and "customer vault" not in quiet.output  # no demo accounts
    seed_demo(agents=10, seed=1, if_empty=False, echo=lambda _: None, now=WEDNESDAY_AFTERNOON)
    assert seed_vault(echo=lambda _: None) is False
    result = CliRunner().invoke(demo, ["admin"])
    assert result.exit_code == 0, result.output
    assert "demo-agent (agent): one-time password " in result.output
    assert "demo-supervisor (supervisor): one-time password " in result.output
    assert "+1 202 555 0100" in result.output
