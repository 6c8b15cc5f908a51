"""The self-service portal of an agent: their badges, their second factors, the password
policy in plain words with a change link, their sessions, and links to training and reports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.identity.services import recovery, totp
from vaultdoor.identity.services.accounts import create_account

pytestmark = pytest.mark.django_db


def test_agent_portal_shows_their_own_things_only(client, fake_clock):
    from vaultdoor.people.models import Person
    from vaultdoor.testing.seed import seed_example_site

    seed_example_site()
    priya = Person.objects.filter(cards__isnull=False).order_by("pk").first()
    other_card = (Person.objects.exclude(pk=priya.pk).filter(cards__isnull=False)
                  .order_by("pk").first().cards.first())
    account = create_account("pshah", role="agent", person=priya, actor="test")
    device, _ = totp.start_enrolment(account)
    type(device).objects.filter(pk=device.pk).update(confirmed=True)
    recovery.new_recovery_codes(account)
    client.force_login(account.user)
    page = client.get(reverse("identity:portal"))
    assert page.status_code == 200
    text = page.content.decode()
    for card in priya.cards.all():
        assert f"{card.facility}:{card.number}" in text
    assert f"{other_card.facility}:{other_card.number}" not in text
    assert "Authenticator app" in text and "10 unused" in text
    assert "At least 12 characters." in text  # the pci-dss-4 policy in plain words
    assert reverse("identity:password_change") in text
    assert 'id="logout-everywhere"' in text
    assert reverse("mail:my_training") in text and reverse("mail:my_reports") in text
