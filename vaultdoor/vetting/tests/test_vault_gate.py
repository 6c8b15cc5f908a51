"""The customer-data vault gates on this app's vetting: an adverse finding recorded through
the vetting services flips the agent's next reveal to `vetting_required`, and termination
ends it too, with no other step."""

from __future__ import annotations

import pytest

from vaultdoor.vault.services.reveal import NotPermitted, VettingRequired, reveal_field
from vaultdoor.vault.tests.conftest import (  # noqa: F401 - the vault's own fixtures
    customer,
    make_user,
    queue,
    vault_keys,
)
from vaultdoor.vetting.services.decisions import record_check, record_finding
from vaultdoor.vetting.services.lifecycle import terminate

pytestmark = pytest.mark.django_db
REASON = "customer called about a disputed charge"


def test_adverse_finding_recorded_here_flips_the_next_reveal(make_user, queue, customer):  # noqa: F811
    agent = make_user("agent", queues=[queue])
    assert reveal_field(agent, customer, "name", REASON, stepped_up=True)
    check = record_check(agent.account.person, provider="Acme", actor="hr")
    record_finding(check, category="fraud", notes="2019", actor="hr")
    with pytest.raises(VettingRequired) as refused:
        reveal_field(agent, customer, "name", REASON, stepped_up=True)
    assert refused.value.code == "vetting_required"


def test_termination_ends_reveal(make_user, queue, customer):  # noqa: F811
    agent = make_user("agent", queues=[queue])
    terminate(agent.account.person, actor="hr", reason="resigned today")
    agent.refresh_from_db()
    assert not agent.is_active
    # refused: a disabled account holds no role, and its person is not cleared
    from vaultdoor.vetting.services import user_is_cleared

    assert not user_is_cleared(agent)
    with pytest.raises((NotPermitted, VettingRequired)):
        reveal_field(agent, customer, "name", REASON, stepped_up=True)
