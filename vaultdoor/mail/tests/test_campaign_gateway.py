"""An awareness campaign sent through vaultdoor's own gateway arrives as sent (no quarantine,
banner or rewriting), once; a copy or forgery with the same Message-ID is scanned as usual."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.campaigns import add_targets, run_campaigns, schedule_campaign
from vaultdoor.mail.models import Campaign, CampaignTarget, Delivery

from .conftest import ORG, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_exercise_passes_the_gateway_once_and_a_replay_is_scanned(make_gateway, sink, billing):
    from django.utils import timezone

    gateway = make_gateway()
    campaign = Campaign.objects.create(
        name="invoice", subject="Overdue invoice", from_address="ap@vendor-billing.example",
        html_body='<p>Please pay today.</p><a href="{{ link }}">invoice</a>',
        landing_url="https://training.example/", smtp_port=gateway.port, per_minute=600)
    add_targets(campaign, department="billing")
    schedule_campaign(campaign, timezone.now(), actor="alice")
    stats = run_campaigns(click_base="https://vd.example", until_idle=True)
    assert stats.sent == 2
    assert wait_for(lambda: len(sink.messages) == 2)
    for got in sink.messages:
        message = message_from_bytes(got.data, policy=policy.default)
        html = message.get_body(("html",)).get_content()
        # Not scanned, bannered or rewritten: the campaign's own tracked link, as sent.
        assert message["X-Vaultdoor-Verdict"] is None and message["X-Vaultdoor-Ref"] is None
        assert "data-vaultdoor-banner" not in html
        assert html.count("https://vd.example/m/c/") == 1
    assert CampaignTarget.objects.filter(gateway_passed_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action="mail.exercise_passed").count() == 2
    assert not Delivery.objects.exists()

    # The same message again (a copy, or someone who learnt its Message-ID): scanned, bannered.
    first = sink.messages[0]
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("ap@vendor-billing.example", first.rcpt_tos, first.data)
    assert wait_for(lambda: len(sink.messages) == 3 or Delivery.objects.exists()
                    or _quarantined())
    assert AuditEvent.objects.filter(action="mail.exercise_passed").count() == 2


def _quarantined() -> bool:
    from vaultdoor.mail.models import QuarantinedMessage

    return QuarantinedMessage.objects.exists()


def test_a_message_that_only_claims_a_campaign_id_is_scanned(make_gateway, sink, billing):
    gateway = make_gateway()
    campaign = Campaign.objects.create(
        name="invoice", subject="Overdue invoice", from_address="ap@vendor-billing.example",
        html_body='<a href="{{ link }}">invoice</a>', landing_url="https://training.example/")
    add_targets(campaign, department="billing")
    target = CampaignTarget.objects.filter(campaign=campaign).first()
    target.message_ref = "0123abcd.0"
    target.save()  # never sent: no sent_at
    forged = (
        "From: AP <ap@vendor-billing.example>\r\n"
        f"To: {target.address}\r\n"
        "Subject: Overdue invoice\r\n"
        "Message-ID: <0123abcd.0@vendor-billing.example>\r\n\r\n"
        "Pay at https://pay.vendor-billing.example/now\r\n"
    ).encode()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("ap@vendor-billing.example", [target.address], forged)
    assert wait_for(lambda: Delivery.objects.exists() or _quarantined())
    assert not AuditEvent.objects.filter(action="mail.exercise_passed").exists()
    assert ORG in target.address
