"""In a real browser: a rewritten risky link in a message shows the interstitial, and pressing
Continue records the click against the person."""

from __future__ import annotations

import time
from email import message_from_bytes, policy

import pytest

from vaultdoor.mail.choices import ClickKindChoices
from vaultdoor.mail.gateway.rewrite import rewrite_message
from vaultdoor.mail.models import LinkClick
from vaultdoor.mail.tokens import click_token

from .conftest import ORG, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = (
    "From: IT Service Desk <it@lakeside-support.example>\r\n"
    f"To: rosa@{ORG}\r\nSubject: Mailbox quota\r\n"
    "Content-Type: text/html; charset=utf-8\r\n\r\n"
    '<html><body><p>Your mailbox is almost full. <a id="risky" '
    'href="https://lakes1de-cs.example/owa/login">Open Outlook on the web</a></p>'
    "</body></html>\r\n"
).encode()


def test_risky_link_interstitial_and_click_recorded(live_server, rosa, browser_session):
    delivered = time.time() - 3600  # read an hour after delivery: a person, not a scanner

    def link_for(url: str) -> str:
        token = click_token("b1.0", f"rosa@{ORG}", url, delivered_at=delivered)
        return f"{live_server.url}/m/c/{token}"

    rewritten = rewrite_message(MESSAGE, link_for=link_for,
                                banner_sender="it@lakeside-support.example")
    html = message_from_bytes(rewritten.data, policy=policy.default).get_body(
        ("html",)).get_content()
    page = browser_session.page
    page.set_content(html)  # the mail client showing the message
    assert page.locator("[data-vaultdoor-banner]").is_visible()
    page.click("#risky")
    page.wait_for_selector("text=This link may be dangerous")
    assert "lakes1de-cs.example" in page.content()
    assert browser_session.csp_violations() == []
    assert LinkClick.objects.get().kind == ClickKindChoices.UNCONFIRMED
    page.click("#continue", no_wait_after=True)
    assert wait_for(lambda: LinkClick.objects.filter(kind=ClickKindChoices.HUMAN).exists())
    click = LinkClick.objects.get(kind=ClickKindChoices.HUMAN)
    assert click.person == rosa and click.risky and "lookalike_domain" in click.reasons
    assert click.url == "https://lakes1de-cs.example/owa/login"
