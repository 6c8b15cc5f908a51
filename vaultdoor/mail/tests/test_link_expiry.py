"""Click-time links expire VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS after delivery (default 90)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from vaultdoor.config import ConfigError
from vaultdoor.mail.checks import link_expiry_setting
from vaultdoor.mail.mail_settings import link_max_age
from vaultdoor.mail.models import LinkClick

from .conftest import click_url

DAY = 86400.0
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/130.0 Safari/537.36")


@pytest.mark.django_db
def test_a_link_older_than_90_days_shows_the_expired_page(client, rosa):
    url = click_url("https://www.partner.example/q1", age=91 * DAY)
    page = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 410
    body = page.content.decode()
    assert "This link has expired" in body and "90 days" in body
    assert "partner.example" not in body  # the old target is not offered
    assert "Location" not in page and page["Cache-Control"] == "no-store"
    assert client.post(url, {"action": "continue"}, HTTP_USER_AGENT=BROWSER).status_code == 410
    assert client.head(url, HTTP_USER_AGENT=BROWSER).status_code == 410
    assert not LinkClick.objects.exists()  # neither sent on nor counted


@pytest.mark.django_db
def test_a_link_younger_than_the_limit_still_works(client, rosa):
    response = client.get(click_url("https://www.partner.example/q1", age=89 * DAY),
                          HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "https://www.partner.example/q1"


@pytest.mark.django_db
def test_the_limit_is_configurable(client, rosa, monkeypatch):
    monkeypatch.setenv("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", "7")
    old = client.get(click_url("https://www.partner.example/", age=8 * DAY),
                     HTTP_USER_AGENT=BROWSER)
    assert old.status_code == 410 and "7 days" in old.content.decode()
    fresh = client.get(click_url("https://www.partner.example/", age=6 * DAY),
                       HTTP_USER_AGENT=BROWSER)
    assert fresh.status_code == 302


@pytest.mark.django_db
def test_a_forged_old_token_is_invalid_not_expired(client):
    url = click_url("https://www.partner.example/", age=400 * DAY)
    response = client.get(url[:-3] + "abc")
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_default_and_configured_ages(monkeypatch):
    monkeypatch.delenv("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", raising=False)
    assert link_max_age() == 90 * DAY
    monkeypatch.setenv("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", " 30 ")
    assert link_max_age() == 30 * DAY


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "3651", "90d", "\u00b2"])
def test_a_bad_value_is_one_clear_error_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", value)
    with pytest.raises(ConfigError, match="VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS"):
        link_max_age()
    errors = link_expiry_setting(None)
    assert [e.id for e in errors] == ["mail.E001"]
    assert "VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS" in errors[0].msg
    with pytest.raises(SystemCheckError, match="VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS"):
        call_command("check")


@pytest.mark.django_db
def test_a_report_link_expires_with_the_same_limit(client, rosa, monkeypatch):
    import time

    from vaultdoor.mail.models import PhishReport
    from vaultdoor.mail.tokens import report_token

    monkeypatch.setenv("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", "7")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 8 * DAY)
    old = report_token("q-old.0", "rosa@lakeside-cs.example")
    monkeypatch.setattr(time, "time", real)
    fresh = report_token("q-new.0", "rosa@lakeside-cs.example")
    for method in (client.get, client.post):
        gone = method(f"/m/r/{old}")
        assert gone.status_code == 410
        assert "report it from your recent mail" in gone.content.decode()
    assert not PhishReport.objects.exists()  # nothing reported through an expired link
    assert client.get(f"/m/r/{fresh}").status_code == 200
    assert client.get(f"/m/r/{old[:-3]}abc").status_code == 400
