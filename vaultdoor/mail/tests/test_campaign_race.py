"""Two runners at once on one campaign (two threads, two database connections, one SMTP sink):
each target gets exactly one message, because each is claimed by a conditional UPDATE before
its SMTP transaction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from vaultdoor.mail.campaigns import run_campaigns, schedule_campaign
from vaultdoor.mail.models import Campaign, CampaignTarget

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runners_never_send_twice(sink):
    campaign = Campaign.objects.create(
        name="race", subject="s", from_address="a@b.example", html_body="<p>{{ link }}</p>",
        landing_url="https://t.example/", smtp_port=sink.port, per_minute=600000)
    CampaignTarget.objects.bulk_create([CampaignTarget(campaign=campaign,
                                                       address=f"p{n}@x.example")
                                        for n in range(40)])
    schedule_campaign(campaign, datetime.now(UTC), actor="t")
    results, errors = [], []

    def runner():
        try:
            results.append(run_campaigns(click_base="https://vd.example", until_idle=True))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r.sent for r in results) == 40
    rcpts = [m.rcpt_tos[0] for m in sink.messages]
    assert len(rcpts) == 40 and len(set(rcpts)) == 40
