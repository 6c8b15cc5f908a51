"""Reading messages: broken input gives an error verdict, never an exception."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import Scanner, parse_message

from .conftest import build

VERDICTS = {"phishing", "suspicious", "clean", "error"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw):
    report = Scanner().scan_bytes(raw, file="x.eml")
    assert report.verdict in VERDICTS
    if report.verdict == "error":
        assert report.error


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=500))
def test_binary_in_the_header_block_is_an_error(junk):
    report = Scanner().scan_bytes(b"\x00" + junk)
    assert report.verdict == "error"
    assert report.to_dict()["error"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.text(max_size=200))
def test_arbitrary_headers_and_bodies_never_raise(subject, body):
    raw = b"From: " + subject.encode("utf-8", "replace") + b"\nContent-Type: text/html\n\n"
    raw += body.encode("utf-8", "replace")
    assert Scanner().scan_bytes(raw).verdict in VERDICTS


def test_empty_and_non_mail_files_are_errors():
    assert Scanner().scan_bytes(b"").verdict == "error"
    assert Scanner().scan_bytes(b"just some words without a header\n").verdict == "error"
    assert Scanner().scan_bytes(b"\x89PNG\r\n\x1a\n\x00\x00").verdict == "error"


def test_headerless_fixture_and_missing_from_are_read():
    report = Scanner().scan_bytes(b'Content-type: text/html\n\nlol <a href="http://a.example">x</a>')
    assert report.verdict == "clean"
    assert report.links[0].host == "a.example"


def test_nested_message_and_its_attachments_are_read():
    inner = build(attachments=[("run.exe", "application/octet-stream", b"MZ")])
    from email.message import EmailMessage

    outer = EmailMessage()
    outer["From"] = "a@b.example"
    outer["To"] = "c@d.example"
    outer.set_content("forwarded")
    outer.add_attachment(inner, maintype="message", subtype="rfc822")
    parsed = parse_message(outer.as_bytes())
    assert "run.exe" in [a.filename for a in parsed.attachments]


def test_links_keep_visible_text_and_skip_images():
    raw = build(html='<p>Hi <a href="https://a.example/x"><img src="https://cdn.example/l.png" '
                     'alt="Logo"> Open</a> <img src="https://img.example/p.png">'
                     '<map><area href="https://b.example/m" alt="map"></map>'
                     '<form action="https://c.example/post"></form>'
                     '<meta http-equiv="refresh" content="0; url=https://d.example/r"></p>',
                text=None)
    links = {link.host: link for link in parse_message(raw).links}
    assert links["a.example"].text == "Logo Open"
    assert set(links) == {"a.example", "b.example", "c.example", "d.example"}
    assert links["c.example"].source == "form" and links["d.example"].source == "meta-refresh"


def test_recipient_domains_prefer_delivered_to():
    raw = build(headers={"Delivered-To": "x@lakeside-cs.example"}, to="y@other.example")
    assert parse_message(raw).recipient_domains == ["lakeside-cs.example"]


def test_hostile_html_is_read_in_linear_passes():
    # Each of these made html.parser rescan to the end for every "<" (quadratic); they must
    # come back promptly with whatever could be read.
    from vaultdoor.mail.analysis._html import scan_html

    for unit in ('<td title="', '<a style="', "<!--", "<!x", "</a", "<![CDATA["):
        assert scan_html(unit * 20000).anchors == []
    found = scan_html('<p>1 < 2</p><!--[if mso]><table><![endif]--><a href="https://a.example/">'
                      "go</a>")
    assert found.anchors == [("https://a.example/", "go")]


def test_hostile_headers_are_bounded():
    # Thousands of addresses or parameters make the structured header parsers crawl; only the
    # first MAX_HEADER_CHARS of a header are read.
    many = b"From: " + b"a@b.example, " * 20000 + b"\nTo: x@lakeside-cs.example\n\nhi"
    assert Scanner().scan_bytes(many).verdict == "clean"
    params = b"From: a@b.example\nContent-Type: text/html; " + b"a=b; " * 20000 + b"\n\n<p>x</p>"
    assert Scanner().scan_bytes(params).verdict == "clean"


_FROM_PIECES = st.sampled_from(['"', "<", ">", "@", "[", "]", "(", ")", ",", ";", ":", " ",
                                "=?utf-8?q?", "?=", "PayPal", "owen", "example", "."])


@settings(max_examples=400, deadline=None)
@given(st.lists(_FROM_PIECES, max_size=14).map("".join))
def test_any_from_value_reads_as_a_sender_or_as_a_problem(value):
    # Whatever the From header holds, the message parses: either a sender with an address,
    # or the problem is recorded (and a name, if the header shows one, is kept for checks).
    raw = f"From: {value}\r\nTo: nadia@lakeside-cs.example\r\nSubject: x\r\n\r\nhi\r\n"
    message = parse_message(raw.encode())
    if message.sender_problem == "":
        local, _, domain = message.sender.address.rpartition("@")
        assert local and domain
    shown = re.match(r"([A-Za-z]+(?: [A-Za-z]+)*) ?<", value)
    if shown and message.sender_problem:  # "Name <...": the name is kept for the checks
        assert message.sender is not None and message.sender.name == shown.group(1)
