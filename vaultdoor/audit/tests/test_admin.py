"""The Django admin shows the audit log and never lets anyone add, change or delete."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from vaultdoor.audit import record
from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.recorder import checkpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [AuditEvent, AuditCheckpoint], ids=["event", "checkpoint"])
def test_admin_is_read_only(admin_client, model):
    record("auth.login", actor="frank")
    checkpoint()
    name = model._meta.model_name
    pk = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    before = model.objects.count()
    assert admin_client.get(reverse(f"admin:audit_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:audit_{name}_add")).status_code == 403
    change = admin_client.get(reverse(f"admin:audit_{name}_change", args=[pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert admin_client.post(reverse(f"admin:audit_{name}_delete", args=[pk])).status_code == 403
    assert model.objects.count() == before
