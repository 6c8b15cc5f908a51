"""The staff admin for campaign material: pages load, changes are audited, and a sending
profile's password must be a file: reference."""

from __future__ import annotations

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.models import LandingPage, SendingProfile

pytestmark = pytest.mark.django_db


def test_admin_pages_and_audited_changes(client, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", password="x" * 20)
    client.force_login(staff)
    for model in ("messagetemplate", "landingpage", "sendingprofile", "trainingmodule"):
        assert client.get(f"/admin/mail/{model}/").status_code == 200, model
        assert client.get(f"/admin/mail/{model}/add/").status_code == 200, model
    added = client.post("/admin/mail/landingpage/add/", {
        "name": "payroll", "title": "Payroll sign-in", "intro": "", "fields": "Staff number",
        "button": "Sign in", "created_0": "2026-11-29", "created_1": "08:00:00"})
    assert added.status_code == 302, added.content.decode()[:3000]
    page = LandingPage.objects.get(name="payroll")
    event = AuditEvent.objects.get(action="admin.add")
    assert event.actor == "boss" and event.target_type == "mail.landingpage"
    assert event.target_id == str(page.pk)


def test_a_profile_password_cannot_be_typed_inline(client, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", password="x" * 20)
    client.force_login(staff)
    refused = client.post("/admin/mail/sendingprofile/add/", {
        "name": "relay", "host": "smtp.example", "port": "587", "security": "starttls",
        "username": "campaigns", "password_file": "hunter2", "ca_file": "",
        "created_0": "2026-11-29", "created_1": "08:00:00"})
    assert refused.status_code == 200 and b"file:" in refused.content
    assert not SendingProfile.objects.exists()
