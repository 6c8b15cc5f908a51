"""TLS on both legs of the gateway: STARTTLS offered (and optionally required) to the
internet-facing server, and STARTTLS to the next hop (off, opportunistic, verify), over real
SMTP on loopback with certificates made for the test."""

from __future__ import annotations

import smtplib
import ssl

import pytest
from click.testing import CliRunner

from vaultdoor.cli import main as cli
from vaultdoor.mail.gateway import GatewayConfig
from vaultdoor.mail.gateway.tls import TlsSettingError, listener_context

from .conftest import ORG, make_certificate, wait_for
from .test_gateway import newsletter

RCPT = f"rosa@{ORG}"


def _server_context(cert, key) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def tls_sink(sink, tmp_path):
    """The next hop, now offering STARTTLS with its own certificate (and demanding it)."""
    cert, key = make_certificate(tmp_path, "hop")
    sink.smtp_options = {"tls_context": _server_context(cert, key), "require_starttls": True}
    return sink, cert


def test_listener_offers_starttls_and_the_message_goes_through(make_gateway, sink, tmp_path):
    cert, key = make_certificate(tmp_path, "gateway")
    gateway = make_gateway(tls_cert=cert, tls_key=key)
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        smtp.starttls(context=ssl.create_default_context(cafile=str(cert)))  # verified
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)


def test_require_tls_refuses_mail_in_clear_text(make_gateway, sink, tmp_path):
    cert, key = make_certificate(tmp_path, "gateway")
    gateway = make_gateway(tls_cert=cert, tls_key=key, require_tls=True)
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.ehlo()
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail("news@partner.example", [RCPT], newsletter())
        assert refused.value.smtp_code == 530
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.starttls(context=ssl.create_default_context(cafile=str(cert)))
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    assert not list(gateway.queue.incoming())


def test_without_a_certificate_no_starttls_is_offered(make_gateway):
    gateway = make_gateway()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("starttls")


def test_opportunistic_relay_uses_tls_when_the_hop_offers_it(make_gateway, tls_sink):
    sink, _ = tls_sink
    gateway = make_gateway()  # opportunistic is the default
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    assert sink.messages[0].tls


def test_opportunistic_relay_stays_in_clear_text_with_a_hop_without_tls(make_gateway, sink):
    gateway = make_gateway()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    assert not sink.messages[0].tls


def test_opportunistic_relay_falls_back_to_clear_text_when_the_handshake_fails(
        make_gateway, sink, tmp_path):
    cert, key = make_certificate(tmp_path, "hop")
    context = _server_context(cert, key)
    context.verify_mode = ssl.CERT_REQUIRED  # wants a client certificate the gateway lacks
    context.load_verify_locations(cafile=str(cert))
    sink.smtp_options = {"tls_context": context}
    gateway = make_gateway()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    assert not sink.messages[0].tls


def test_relay_with_tls_off_never_starts_it(make_gateway, sink, tmp_path):
    cert, key = make_certificate(tmp_path, "hop")
    sink.smtp_options = {"tls_context": _server_context(cert, key)}  # offered, not demanded
    gateway = make_gateway(next_hop_tls="off")
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    assert not sink.messages[0].tls


def test_verified_relay_delivers_to_a_hop_whose_certificate_checks_out(make_gateway, tls_sink):
    sink, hop_cert = tls_sink
    gateway = make_gateway(next_hop_tls="verify", next_hop_ca=hop_cert)
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    assert sink.messages[0].tls


def test_verified_relay_keeps_mail_queued_for_an_unknown_certificate(make_gateway, tls_sink,
                                                                     tmp_path):
    sink, _ = tls_sink
    other_ca, _ = make_certificate(tmp_path, "someone-else")
    gateway = make_gateway(next_hop_tls="verify", next_hop_ca=other_ca)
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: len(list(gateway.queue.outbound())) == 1)
    assert wait_for(lambda: gateway.worker.hop_failures >= 2)  # retried, never sent
    assert sink.messages == [] and len(list(gateway.queue.outbound())) == 1
    assert not list(gateway.queue.failed())


def test_verified_relay_waits_for_a_hop_that_offers_no_tls(make_gateway, sink):
    gateway = make_gateway(next_hop_tls="verify")
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.sendmail("news@partner.example", [RCPT], newsletter())
    assert wait_for(lambda: gateway.worker.hop_failures >= 2)
    assert sink.messages == [] and len(list(gateway.queue.outbound())) == 1


@pytest.mark.parametrize(("settings", "named"), [
    ({"tls_cert": "c.pem"}, "tls_cert and tls_key"),
    ({"tls_key": "k.pem"}, "tls_cert and tls_key"),
    ({"require_tls": True}, "require_tls"),
    ({"next_hop_tls": "sometimes"}, "next_hop_tls"),
    ({"next_hop_ca": "ca.pem"}, "next_hop_ca"),
])
def test_inconsistent_settings_are_refused(tmp_path, settings, named):
    with pytest.raises(ValueError, match=named):
        GatewayConfig(queue_dir=tmp_path, next_hop=("127.0.0.1", 25), **settings)


def test_unusable_certificate_files_are_named(tmp_path):
    cert, key = make_certificate(tmp_path, "gateway")
    _, other_key = make_certificate(tmp_path, "other")
    with pytest.raises(TlsSettingError, match="tls_key: no such file"):
        listener_context(cert, tmp_path / "missing.key")
    with pytest.raises(TlsSettingError, match="not a PEM certificate and its private key"):
        listener_context(cert, other_key)  # a key that is not the certificate's
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    with pytest.raises(TlsSettingError, match="not a PEM"):
        listener_context(garbage, key)


@pytest.mark.parametrize(("args", "message"), [
    (["--tls-cert", "{cert}"], "give both or neither"),
    (["--require-tls"], "require_tls: needs tls_cert"),
    (["--tls-cert", "{cert}", "--tls-key", "{other_key}"], "not a PEM certificate and its"),
    (["--tls-cert", "{cert}", "--tls-key", "{tmp}/nope.key"], "tls_key: no such file"),
    (["--next-hop-ca", "{cert}"], "only used with next_hop_tls 'verify'"),
    (["--next-hop-tls", "verify", "--next-hop-ca", "{tmp}/nope.pem"], "next_hop_ca: no such"),
    (["--next-hop-tls", "sometimes"], "'sometimes' is not one of"),
    (["--outbound-from", "office"], "outbound_networks: 'office' does not appear"),
])
def test_cli_names_the_bad_tls_setting(tmp_path, monkeypatch, args, message):
    monkeypatch.setenv("VAULTDOOR_DATA_DIR", str(tmp_path / "data"))
    cert, _ = make_certificate(tmp_path, "gateway")
    _, other_key = make_certificate(tmp_path, "other")
    values = {"cert": cert, "other_key": other_key, "tmp": tmp_path}
    result = CliRunner().invoke(cli, [
        "mail", "gateway", "--listen", "127.0.0.1:0", "--next-hop", "127.0.0.1:2", "--queue-dir",
        str(tmp_path / "queue"), *[a.format(**values) for a in args]])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_reads_require_tls_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTDOOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VAULTDOOR_MAIL_REQUIRE_TLS", "maybe")
    result = CliRunner().invoke(cli, [
        "mail", "gateway", "--next-hop", "127.0.0.1:2", "--queue-dir", str(tmp_path / "q")])
    assert result.exit_code == 2
    assert "VAULTDOOR_MAIL_REQUIRE_TLS: expected true or false" in result.output
