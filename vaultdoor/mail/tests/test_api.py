"""The read-only mail API: view permissions, no message bytes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from vaultdoor.mail.models import LinkClick, PhishReport, QuarantinedMessage

pytestmark = pytest.mark.django_db


def test_quarantine_reports_clicks_need_view_permissions(client, django_user_model):
    QuarantinedMessage.objects.create(ref="q9", verdict="phishing", raw=b"secret body")
    PhishReport.objects.create(reporter="rosa@lakeside-cs.example", channel="forward")
    LinkClick.objects.create(recipient="rosa@lakeside-cs.example", url="https://a.example/",
                             kind="scanner")
    user = django_user_model.objects.create_user("api")
    client.force_login(user)
    assert client.get("/api/v1/mail/quarantine").status_code == 403
    for codename in ("view_quarantinedmessage", "view_phishreport", "view_linkclick"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="mail",
                                                         codename=codename))
    held = client.get("/api/v1/mail/quarantine").json()["results"]
    assert held[0]["ref"] == "q9" and "raw" not in held[0]
    assert client.get("/api/v1/mail/reports").json()["count"] == 1
    assert client.get("/api/v1/mail/clicks").json()["results"][0]["kind"] == "scanner"
    assert client.post("/api/v1/mail/clicks", {}).status_code in (403, 405)
