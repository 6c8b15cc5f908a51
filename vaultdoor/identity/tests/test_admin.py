"""The identity admin renders and never shows a token hash or session key."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.identity.choices import FailureKind
from vaultdoor.identity.models import AccountSession, ApiToken
from vaultdoor.identity.services import lockout
from vaultdoor.identity.services.accounts import account_for
from vaultdoor.identity.services.tokens import create_token

pytestmark = pytest.mark.django_db


def test_identity_admin_pages(client, django_user_model, fake_clock):
    root = django_user_model.objects.create_superuser("root", password="not-used-here-0")
    client.force_login(root)
    account = account_for(root)
    row, token = create_token(account, "feed", ["read"])
    AccountSession.objects.create(account=account, session_key="k" * 32, created=fake_clock())
    lockout.record_failure("mjones", FailureKind.PASSWORD)
    for model, pk in [("account", account.pk), ("apitoken", row.pk),
                      ("failurecounter", None), ("accountsession", None)]:
        page = client.get(reverse(f"admin:identity_{model}_changelist"))
        assert page.status_code == 200, model
        body = page.content.decode()
        assert row.secret_hash not in body and "k" * 32 not in body
        if pk is not None:
            change = client.get(reverse(f"admin:identity_{model}_change", args=[pk]))
            assert change.status_code == 200
            assert row.secret_hash not in change.content.decode()
    assert token.split(".")[1] not in ApiToken.objects.get().secret_hash
