"""Real SMTP round trips on loopback: smtplib -> gateway -> aiosmtpd sink."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from vaultdoor.mail.models import Correspondence, Delivery, QuarantinedMessage

from .conftest import ORG, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PHISH = (
    "From: IT Helpdesk <helpdesk@lakes1de-cs.example>\r\n"
    f"To: rosa@{ORG}\r\n"
    "Subject: Your mailbox is full - verify your password now\r\n"
    "Authentication-Results: mx.lakeside-cs.example; spf=fail; dkim=fail; dmarc=fail "
    "header.from=lakes1de-cs.example\r\n"
    "Content-Type: text/html; charset=utf-8\r\n\r\n"
    '<html><body><p>Verify your password within 24 hours or your account will be suspended.</p>'
    '<a href="http://192.0.2.7/login.php?user=rosa">https://login.lakeside-cs.example/</a>'
    '<form action="http://192.0.2.7/c.php"><input type="password" name="p"></form>'
    "</body></html>\r\n"
).encode()


def newsletter(sender: str = "news@partner.example", rcpt: str = f"rosa@{ORG}") -> bytes:
    message = EmailMessage()
    message["From"] = f"Partner News <{sender}>"
    message["To"] = rcpt
    message["Subject"] = "Quarterly update"
    message["Message-ID"] = "<q1@partner.example>"
    message.set_content("Read it at https://www.partner.example/q1 today.\n")
    message.add_alternative('<html><body><p>Read <a href="https://www.partner.example/q1?a=1&amp;b=2">'
                            "the update</a>.</p></body></html>", subtype="html")
    return message.as_bytes(policy=policy.SMTP)  # CRLF, as SMTP carries it


def send(port: int, mail_from: str, rcpts: list[str], data: bytes, **kw) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        return smtp.sendmail(mail_from, rcpts, data, **kw)


def test_clean_message_arrives_rewritten_with_banner(make_gateway, sink):
    gateway = make_gateway()
    send(gateway.port, "news@partner.example", [f"rosa@{ORG}"], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    got = sink.messages[0]
    assert got.rcpt_tos == [f"rosa@{ORG}"]
    message = message_from_bytes(got.data, policy=policy.default)
    assert message["X-Vaultdoor-Verdict"].startswith("clean")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert 'data-vaultdoor-banner="external"' in html
    assert text.startswith("[EXTERNAL]")
    assert "https://vd.example/m/c/" in html and "partner.example/q1" not in html.split(
        "</div>", 1)[1]
    assert "https://vd.example/m/c/" in text and "https://www.partner.example" not in text
    delivery = Delivery.objects.get()
    assert delivery.banner and delivery.links_rewritten == 2
    assert wait_for(lambda: Delivery.objects.get().relayed_at is not None)
    assert list(gateway.queue.outbound()) == [] and list(gateway.queue.incoming()) == []


def test_rewritten_link_carries_the_original(make_gateway, sink):
    from vaultdoor.mail.tokens import read_click_token

    gateway = make_gateway()
    send(gateway.port, "news@partner.example", [f"rosa@{ORG}"], newsletter())
    assert wait_for(lambda: len(sink.messages) == 1)
    html = message_from_bytes(sink.messages[0].data, policy=policy.default).get_body(
        ("html",)).get_content()
    token = html.split("https://vd.example/m/c/")[1].split('"')[0]
    clicked = read_click_token(token)
    assert clicked.url == "https://www.partner.example/q1?a=1&b=2"
    assert clicked.recipient == f"rosa@{ORG}"


def test_known_sender_gets_no_banner_after_outbound_mail(make_gateway, sink):
    gateway = make_gateway()
    outbound = newsletter(sender=f"rosa@{ORG}", rcpt="owen@harper.example")
    send(gateway.port, f"rosa@{ORG}", ["owen@harper.example"], outbound)
    assert wait_for(lambda: len(sink.messages) == 1)
    assert sink.messages[0].data == outbound  # outbound mail passes untouched
    assert Correspondence.objects.filter(external_address="owen@harper.example").exists()
    send(gateway.port, "owen@harper.example", [f"rosa@{ORG}"],
         newsletter(sender="owen@harper.example"))
    assert wait_for(lambda: len(sink.messages) == 2)
    assert b"vaultdoor-banner" not in sink.messages[1].data
    assert b"[EXTERNAL]" not in sink.messages[1].data


def test_phishing_is_quarantined_not_relayed(make_gateway, sink):
    gateway = make_gateway()
    send(gateway.port, "helpdesk@lakes1de-cs.example", [f"rosa@{ORG}"], PHISH)
    assert wait_for(lambda: QuarantinedMessage.objects.exists())
    held = QuarantinedMessage.objects.get()
    assert held.verdict == "phishing" and held.recipients == [f"rosa@{ORG}"]
    assert bytes(held.raw) == PHISH
    assert wait_for(lambda: not list(gateway.queue.incoming()))
    assert sink.messages == []


def test_oversized_message_gets_552(make_gateway, sink):
    gateway = make_gateway(max_size=5000)
    big = newsletter() + b"padding line\r\n" * 1000
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("size") and int(smtp.esmtp_features["size"]) == 5000
        assert smtp.has_extn("8bitmime") and smtp.has_extn("smtputf8")
        code, _ = smtp.mail("news@partner.example", options=[f"SIZE={len(big)}"])
        assert code == 552
        smtp.rset()
        smtp.mail("news@partner.example")
        smtp.rcpt(f"rosa@{ORG}")
        code, _ = smtp.data(big)
        assert code == 552
    assert list(gateway.queue.incoming()) == []


def test_smtputf8_and_8bit_round_trip(make_gateway, sink):
    gateway = make_gateway()
    data = (
        "From: Zoë Ünal <zoë@partner.example>\r\nTo: rosa@lakeside-cs.example\r\n"
        "Subject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nHallo, siehe https://partner.example/ä\r\n"
    ).encode()
    send(gateway.port, "zoë@partner.example", [f"rosa@{ORG}"], data,
         mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    assert wait_for(lambda: len(sink.messages) == 1)
    got = sink.messages[0]
    assert got.mail_from == "zoë@partner.example"
    assert "SMTPUTF8" in got.options
    message = message_from_bytes(got.data, policy=policy.default)
    assert message["Subject"] == "Grüße"
    body = message.get_content()
    assert "Hallo, siehe https://vd.example/m/c/" in body


def test_next_hop_down_messages_wait_on_disk_then_arrive_once(make_gateway, sink):
    sink.stop()
    gateway = make_gateway()
    for i in range(5):
        send(gateway.port, "news@partner.example", [f"rosa@{ORG}"],
             newsletter().replace(b"Quarterly update", f"Update {i}".encode()))
    assert wait_for(lambda: len(list(gateway.queue.outbound())) == 5)
    assert sink.messages == []
    sink.start()
    assert wait_for(lambda: len(sink.messages) == 5 and not list(gateway.queue.outbound()))
    subjects = sorted(message_from_bytes(m.data, policy=policy.default)["Subject"]
                      for m in sink.messages)
    assert subjects == [f"Update {i}" for i in range(5)]
    assert wait_for(lambda: Delivery.objects.filter(relayed_at__isnull=False).count() == 5)


def test_queued_messages_survive_a_gateway_restart(make_gateway, sink, tmp_path):
    sink.stop()
    first = make_gateway()
    send(first.port, "news@partner.example", [f"rosa@{ORG}", f"omar@{ORG}"], newsletter())
    assert wait_for(lambda: len(list(first.queue.outbound())) == 2)
    first.stop()
    sink.start()
    make_gateway()  # same queue directory
    assert wait_for(lambda: len(sink.messages) == 2)
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == [f"omar@{ORG}", f"rosa@{ORG}"]


def test_forward_to_report_address_becomes_a_report(make_gateway, sink):
    from vaultdoor.mail.models import PhishReport

    gateway = make_gateway()
    forward = EmailMessage()
    forward["From"] = f"rosa@{ORG}"
    forward["To"] = f"report-phish@{ORG}"
    forward["Subject"] = "Fwd: suspicious"
    forward.set_content("This looks wrong.")
    forward.add_attachment(message_from_bytes(PHISH, policy=policy.default))
    send(gateway.port, f"rosa@{ORG}", [f"report-phish@{ORG}"], forward.as_bytes(policy=policy.SMTP))
    assert wait_for(lambda: PhishReport.objects.exists())
    report = PhishReport.objects.get()
    assert report.reporter == f"rosa@{ORG}" and report.channel == "forward"
    assert "verify your password" in report.subject.lower()
    assert report.verdict == "phishing"
    assert wait_for(lambda: not list(gateway.queue.incoming()))
    assert sink.messages == []  # the report address is the gateway's own, not relayed
