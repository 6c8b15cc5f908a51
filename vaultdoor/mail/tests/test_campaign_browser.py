"""In a real browser: a person opens a campaign message, clicks its link (the click-time page
continues by itself), submits the hosted landing page, is told it was an exercise, signs in
to the portal and completes the training assigned to them. No CSP violation on the way, and
nothing typed reaches the server."""

from __future__ import annotations

import io
from email import message_from_bytes, policy

import pytest
from django.core.management import call_command

from vaultdoor.mail.campaigns import add_targets, send_campaign
from vaultdoor.mail.models import Campaign, CampaignTarget, LandingPage, TrainingAssignment

from .conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "violet tugboat harmonica 1987"
TYPED = "Typed-In-Browser-4471"


def test_click_submit_then_complete_training(live_server, rosa, sink, browser_session):
    user = rosa.account.user
    user.set_password(PASSWORD)
    user.save()
    page_model = LandingPage.objects.create(name="o365", title="Sign in to your account")
    campaign = Campaign.objects.create(
        name="mailbox", subject="Mailbox full", from_address="it@m1crosoft-help.example",
        html_body='<html><body><p>Hi {{ name }}, <a id="lure" href="{{ link }}">keep your '
                  'mail</a></p></body></html>', landing_url="https://unused.example/",
        smtp_port=sink.port, per_minute=6000, landing_page=page_model)
    add_targets(campaign, people=type(rosa).objects.filter(pk=rosa.pk))
    assert send_campaign(campaign, click_base=live_server.url) == 1
    html = message_from_bytes(sink.messages[0].data, policy=policy.default).get_body(
        ("html",)).get_content()

    page = browser_session.page
    page.set_content(html)  # the mail client showing the message
    page.click("#lure")
    # Seconds after delivery: the confirmation page's script continues at once in a browser.
    page.wait_for_selector("#landing-form")
    target = CampaignTarget.objects.get()
    assert target.clicked_at is not None and target.submitted_at is None
    page.fill("#field-0", "rosa@lakeside-cs.example")
    page.fill("#field-1", TYPED)
    page.click("#landing-submit")
    page.wait_for_selector("text=This was a phishing exercise")
    assert wait_for(lambda: CampaignTarget.objects.filter(submitted_at__isnull=False).exists())
    assignment = TrainingAssignment.objects.get()
    assert assignment.person == rosa and assignment.completed_at is None

    page.click("#to-training")
    browser_session.login(live_server.url, user.get_username(), PASSWORD)
    page.goto(f"{live_server.url}/m/training/")
    page.click("text=Spotting phishing: the basics")
    page.wait_for_selector("#mark-complete")
    assert "Never type your password" in page.content()
    page.click("#mark-complete")
    page.wait_for_selector("#training-message")
    assert "Nothing to do" in page.content()
    assignment.refresh_from_db()
    assert assignment.completed_at is not None

    page.goto(f"{live_server.url}/auth/account/")
    page.click("text=My reports")
    page.wait_for_selector("#my-reports")
    assert browser_session.csp_violations() == []
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert TYPED not in dump.getvalue()
