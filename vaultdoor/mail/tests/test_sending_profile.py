"""Sending profiles: STARTTLS with the server's certificate checked, AUTH with a password read
from a file: reference (never stored), and a clear failure when any of it is wrong."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest
from aiosmtpd.smtp import AuthResult

from vaultdoor.mail.campaigns import (
    SendingError,
    add_targets,
    profile_password,
    run_campaigns,
    schedule_campaign,
    send_campaign,
)
from vaultdoor.mail.models import Campaign, SendingProfile

from .conftest import ORG, Sink, free_port, make_certificate

pytestmark = pytest.mark.django_db(transaction=True)

USER, PASSWORD = "campaigns", "relay password 9431"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # a refusal answers 535


@pytest.fixture
def relay(tmp_path):
    """A relay that demands STARTTLS, then AUTH."""
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = Sink(port=free_port(), smtp_options={
        "tls_context": context, "require_starttls": True, "auth_require_tls": True,
        "authenticator": _authenticate, "auth_exclude_mechanism": ["CRAM-MD5"]})
    server.start()
    yield server, cert
    server.stop()


def _profile(tmp_path, port, cert, *, password=PASSWORD, **extra):
    secret = tmp_path / "relay-password"
    secret.write_text(password + "\n", encoding="utf-8")
    return SendingProfile.objects.create(
        name=extra.pop("name", "relay"), host="127.0.0.1", port=port, security="starttls",
        username=USER, password_file=f"file:{secret}", ca_file=str(cert), **extra)


def _campaign(profile) -> Campaign:
    campaign = Campaign.objects.create(
        name=f"via-{profile.name}", subject="Payslip", from_address="hr@payroll.example",
        html_body="{{ link }}", landing_url="https://training.example/", profile=profile,
        per_minute=6000)
    add_targets(campaign, department="billing")
    return campaign


def test_starttls_and_auth(relay, billing, tmp_path):
    server, cert = relay
    profile = _profile(tmp_path, server.port, cert)
    assert profile_password(profile) == PASSWORD
    assert PASSWORD not in str(SendingProfile.objects.values().get())
    campaign = _campaign(profile)
    assert send_campaign(campaign, click_base="https://vd.example", sleep=lambda s: None) == 2
    assert sorted(m.rcpt_tos[0] for m in server.messages) == [f"omar@{ORG}", f"rosa@{ORG}"]


def test_wrong_password_untrusted_certificate_and_inline_password(relay, billing, tmp_path):
    server, cert = relay
    wrong = _profile(tmp_path, server.port, cert, password="nope", name="wrong")
    with pytest.raises(SendingError, match="535"):
        send_campaign(_campaign(wrong), click_base="https://vd.example")
    untrusted = _profile(tmp_path, server.port, cert, name="untrusted")
    SendingProfile.objects.filter(pk=untrusted.pk).update(ca_file="")
    untrusted.refresh_from_db()
    campaign = _campaign(untrusted)
    schedule_campaign(campaign, dt.datetime.now(dt.UTC), actor="alice")
    stats = run_campaigns(click_base="https://vd.example", until_idle=True,
                          sleep=lambda s: None, timeout=4)
    assert stats.connect_errors == 1 and stats.sent == 0
    assert not campaign.targets.filter(claimed_at__isnull=False).exists()
    inline = _profile(tmp_path, server.port, cert, name="inline")
    SendingProfile.objects.filter(pk=inline.pk).update(password_file=PASSWORD)
    inline.refresh_from_db()
    with pytest.raises(SendingError, match="file: reference"):
        profile_password(inline)
    assert server.messages == []


def test_cli_profile(billing, tmp_path, relay):
    from click.testing import CliRunner

    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.cli.mail import mail

    server, cert = relay
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD, encoding="utf-8")
    runner = CliRunner()
    inline = runner.invoke(mail, ["campaign", "profile", "relay", "--smtp",
                                  f"127.0.0.1:{server.port}", "--username", USER,
                                  "--password-file", PASSWORD])
    assert inline.exit_code == 2 and "file:" in inline.output
    made = runner.invoke(mail, ["campaign", "profile", "relay", "--smtp",
                                f"127.0.0.1:{server.port}", "--username", USER,
                                "--password-file", f"file:{secret}", "--ca-file", str(cert)])
    assert made.exit_code == 0, made.output
    event = AuditEvent.objects.get(action="mail.sending_profile_change")
    assert PASSWORD not in str(event.context)
    body = tmp_path / "b.html"
    body.write_text("{{ link }}", encoding="utf-8")
    created = runner.invoke(mail, ["campaign", "create", "c", "--subject", "s", "--from",
                                   "a@b.example", "--html-file", str(body), "--landing-url",
                                   "https://t.example/", "--department", "Billing",
                                   "--profile", "relay"])
    assert created.exit_code == 0, created.output
    sent = runner.invoke(mail, ["campaign", "send", "c", "--click-base", "https://vd.example"])
    assert sent.exit_code == 0 and "sent 2" in sent.output, sent.output
    assert runner.invoke(mail, [*["campaign", "create", "d", "--subject", "s", "--from",
                                  "a@b.example", "--html-file", str(body), "--landing-url",
                                  "https://t.example/", "--department", "Billing"],
                                "--profile", "nope"]).exit_code == 2
