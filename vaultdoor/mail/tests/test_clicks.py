"""Click-time links: re-check, warn, redirect, and telling people from scanners."""

from __future__ import annotations

import pytest

from vaultdoor.mail.choices import ClickKindChoices
from vaultdoor.mail.clicktime import check_url, classify_fetch, csp_origin
from vaultdoor.mail.models import LinkClick

from .conftest import ORG, click_url

pytestmark = pytest.mark.django_db

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/130.0 Safari/537.36")


def test_safe_link_redirects_and_counts_as_the_persons_click(client, rosa):
    response = client.get(click_url("https://www.partner.example/q1"), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "https://www.partner.example/q1"
    assert response["Referrer-Policy"] == "no-referrer"
    click = LinkClick.objects.get()
    assert click.kind == ClickKindChoices.HUMAN and click.person == rosa
    assert click.recipient == f"rosa@{ORG}" and not click.risky


def test_risky_link_shows_the_interstitial_and_the_button_counts(client, rosa):
    url = click_url("http://192.0.2.7/login.php")
    page = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200
    body = page.content.decode()
    assert "This link may be dangerous" in body and "192.0.2.7" in body
    assert "http://192.0.2.7" in page["Content-Security-Policy"]  # form may lead there
    assert LinkClick.objects.get().kind == ClickKindChoices.UNCONFIRMED
    went = client.post(url, {"action": "continue"}, HTTP_USER_AGENT=BROWSER)
    assert went.status_code == 302 and went["Location"] == "http://192.0.2.7/login.php"
    human = LinkClick.objects.get(kind=ClickKindChoices.HUMAN)
    assert human.person == rosa and human.risky and "ip_literal_host" in human.reasons


def test_going_back_is_recorded(client, rosa):
    url = click_url("https://lakes1de-cs.example/login")
    client.get(url, HTTP_USER_AGENT=BROWSER)
    back = client.post(url, {"action": "back"}, HTTP_USER_AGENT=BROWSER)
    assert back.status_code == 200 and "not opened" in back.content.decode()
    assert LinkClick.objects.filter(kind=ClickKindChoices.DECLINED).count() == 1
    assert not LinkClick.objects.filter(kind=ClickKindChoices.HUMAN).exists()


def test_links_in_suspicious_messages_warn_even_when_the_url_is_clean(client, rosa):
    page = client.get(click_url("https://www.partner.example/", verdict="suspicious"),
                      HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200 and "may be dangerous" in page.content.decode()


def test_scanner_fetches_are_never_counted_nor_redirected(client, rosa):
    url = click_url("https://www.partner.example/q1")
    assert client.head(url, HTTP_USER_AGENT=BROWSER).status_code == 200
    scanner = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Proofpoint URL Defense)")
    assert scanner.status_code == 200
    prefetch = client.get(url, HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert prefetch.status_code == 200
    kinds = sorted(LinkClick.objects.values_list("kind", flat=True))
    assert kinds == ["prefetch", "scanner", "scanner"]


def test_fetch_seconds_after_delivery_needs_confirmation(client, rosa):
    url = click_url("https://www.partner.example/q1", age=2)
    page = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200
    assert 'data-auto-continue="1"' in page.content.decode()  # a browser goes on by itself
    assert LinkClick.objects.get().kind == ClickKindChoices.UNCONFIRMED
    assert client.post(url, {"action": "continue"}, HTTP_USER_AGENT=BROWSER).status_code == 302


def test_javascript_links_are_blocked(client, rosa):
    url = click_url("javascript:alert(document.cookie)")
    page = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200 and "cannot be opened" in page.content.decode()
    assert client.post(url, {"action": "continue"}, HTTP_USER_AGENT=BROWSER).status_code == 200
    assert not LinkClick.objects.filter(kind=ClickKindChoices.HUMAN).exists()


def test_altered_token_is_refused(client):
    url = click_url("https://www.partner.example/q1")
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert client.get(tampered, HTTP_USER_AGENT=BROWSER).status_code == 400
    assert client.post(tampered, {"action": "continue"}).status_code == 400
    assert not LinkClick.objects.exists()


def test_report_token_is_not_a_click_token(client):
    from vaultdoor.mail.tokens import report_token

    assert client.get("/m/c/" + report_token("abc.0", f"rosa@{ORG}")).status_code == 400


def test_logged_in_user_is_recorded(client, rosa, django_user_model):
    user = django_user_model.objects.get(username="rosa")
    client.force_login(user)
    client.get(click_url("https://www.partner.example/q1", recipient="shared@" + ORG),
               HTTP_USER_AGENT=BROWSER)
    click = LinkClick.objects.get()
    assert click.user == user and click.person == rosa  # from the signed-in account


@pytest.mark.parametrize(("url", "risky"), [
    ("https://www.partner.example/q1", False),
    ("http://192.0.2.7/login.php", True),
    ("https://bit.ly/3xYz", True),
    ("https://paypa1.com/signin", True),
    ("https://user@evil.example/", True),
    ("data:text/html;base64,PHNjcmlwdD4=", True),
])
def test_check_url(url, risky):
    assert check_url(url, (ORG,)).risky is risky


def test_classify_fetch():
    assert classify_fetch("HEAD", {}, BROWSER) == "scanner"
    assert classify_fetch("GET", {"Purpose": "prefetch"}, BROWSER) == "prefetch"
    assert classify_fetch("GET", {}, "python-requests/2.32") == "scanner"
    assert classify_fetch("GET", {}, "") == "scanner"
    assert classify_fetch("GET", {}, BROWSER) == "browser"


def test_csp_origin():
    assert csp_origin("https://Example.COM:8443/x?y") == "https://example.com:8443"
    assert csp_origin("http://bücher.example/") == "http://xn--bcher-kva.example"
    assert csp_origin("javascript:alert(1)") is None
    assert csp_origin("https://evil.example;script-src/") is None or ";" not in csp_origin(
        "https://evil.example;script-src/")
