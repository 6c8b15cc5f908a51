"""Link rewriting and the banner: every web link replaced, nothing else touched, never raises."""

from __future__ import annotations

import contextlib
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.gateway.rewrite import RewriteError, rewrite_html, rewrite_message, rewrite_text


def link_for(url: str) -> str:
    return "https://vd.example/m/c/" + str(abs(hash(url)))


def test_html_hrefs_and_form_actions_rewritten_mailto_kept():
    document = ('<a href="https://a.example/x?a=1&amp;b=2">A</a> <a href=\'http://b.example\'>B'
                '</a> <a href=https://c.example/>C</a> <a href="mailto:x@y.example">M</a> '
                '<a href="#top">T</a> <form action="http://d.example/post"></form>')
    seen = []
    out, count = rewrite_html(document, lambda u: seen.append(u) or link_for(u))
    assert count == 4
    assert seen == ["https://a.example/x?a=1&b=2", "http://b.example", "https://c.example/",
                    "http://d.example/post"]
    assert 'href="mailto:x@y.example"' in out and 'href="#top"' in out
    assert "//a.example" not in out and "//d.example" not in out


def test_text_urls_rewritten_keeping_punctuation():
    out, count = rewrite_text("See https://a.example/x. Or (www.b.example/y), ok?", link_for)
    assert count == 2
    assert out.startswith("See https://vd.example/m/c/") and ". Or (" in out and "), ok?" in out


def test_banner_in_both_parts_and_headers_replaced():
    message = EmailMessage()
    message["From"] = "x@outside.example"
    message["X-Vaultdoor-Verdict"] = "clean; forged by the sender"
    message.set_content("Hello https://a.example/")
    message.add_alternative("<html><body><p>Hello</p></body></html>", subtype="html")
    out = rewrite_message(message.as_bytes(), link_for=link_for,
                          banner_sender="x@outside.example", report_url="https://vd.example/r",
                          headers={"X-Vaultdoor-Verdict": "clean; score=0.00"})
    parsed = message_from_bytes(out.data, policy=policy.default)
    assert parsed.get_all("X-Vaultdoor-Verdict") == ["clean; score=0.00"]
    assert parsed.get_body(("plain",)).get_content().startswith("[EXTERNAL]")
    html = parsed.get_body(("html",)).get_content()
    assert html.index("<body>") < html.index("data-vaultdoor-banner") < html.index("Hello")
    assert out.banner and out.links == 1


def test_attachments_are_not_rewritten():
    message = EmailMessage()
    message.set_content("see attachment")
    message.add_attachment(b"<a href='https://a.example/'>x</a>", maintype="text",
                           subtype="html", filename="page.html")
    out = rewrite_message(message.as_bytes(), link_for=link_for)
    assert out.links == 0
    attachment = next(message_from_bytes(out.data, policy=policy.default).iter_attachments())
    assert attachment.get_content() == "<a href='https://a.example/'>x</a>"


def test_banner_escapes_the_sender():
    message = EmailMessage()
    message.set_content("<p>x</p>", subtype="html")
    out = rewrite_message(message.as_bytes(), link_for=link_for,
                          banner_sender='"><script>alert(1)</script>@evil.example')
    html = message_from_bytes(out.data, policy=policy.default).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_rewrite_text_leaves_no_web_url_behind(text):
    out, _ = rewrite_text(text, link_for)
    remaining = re.sub(r"https://vd\.example/m/c/-?\d+", "", out)
    assert not re.search(r"(?i)https?://[^\s<>\"'`]", remaining)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_rewrite_message_never_crashes_on_bytes(data):
    with contextlib.suppress(RewriteError):  # refusing is fine; any other exception is not
        rewrite_message(data, link_for=link_for, banner_sender="x@y.example")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["https://a.example/p", "http://b.example", "www.c.example/q",
                                 " text ", "\n", "(", ")", ".", "<", ">"]), max_size=30))
def test_every_plain_url_is_replaced(pieces):
    text = "".join(pieces)
    out, _ = rewrite_text(text, link_for)
    for host in ("//a.example", "//b.example", "www.c.example"):
        assert host not in out
