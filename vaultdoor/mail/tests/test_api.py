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


def test_campaigns_need_view_permission_and_show_counts_only(client, django_user_model):
    from vaultdoor.mail.models import Campaign, CampaignTarget

    campaign = Campaign.objects.create(name="c", subject="s", from_address="a@b.example",
                                       html_body="secret lure", landing_url="https://t.example/")
    CampaignTarget.objects.create(campaign=campaign, address="rosa@lakeside-cs.example",
                                  scanner_fetches=3)
    user = django_user_model.objects.create_user("api")
    client.force_login(user)
    assert client.get("/api/v1/mail/campaigns").status_code == 403
    assert client.get(f"/api/v1/mail/campaigns/{campaign.pk}").status_code == 403
    user.user_permissions.add(Permission.objects.get(content_type__app_label="mail",
                                                     codename="view_campaign"))
    listed = client.get("/api/v1/mail/campaigns").json()["results"]
    assert listed[0]["summary"]["targets"] == 1 and listed[0]["summary"]["scanner_fetches"] == 3
    one = client.get(f"/api/v1/mail/campaigns/{campaign.pk}").json()
    assert one["status"] == "draft" and "html_body" not in one and "targets" not in one
    assert "rosa@" not in str(one)
    assert client.post("/api/v1/mail/campaigns", {}).status_code in (403, 405)
    client.logout()
    assert client.get("/api/v1/mail/campaigns").status_code in (401, 403)
