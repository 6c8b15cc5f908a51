"""The two HTML readers (selectolax's lexbor, html.parser) find the same links, forms,
refreshes and scripts on every HTML body of the corpus and on hostile markup."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import _html

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "mail" / "corpus"
FIELDS = ("anchors", "forms", "password_inputs", "refresh_urls", "scripts", "script_redirect")

pytestmark = pytest.mark.skipif(_html.LexborHTMLParser is None, reason="selectolax missing")


def _html_bodies() -> list[tuple[str, str]]:
    bodies = []
    for path in sorted(CORPUS.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                try:
                    bodies.append((path.name, part.get_content()))
                except (LookupError, ValueError):
                    continue
    return bodies


@pytest.mark.parametrize(("name", "document"), _html_bodies())
def test_same_links_on_the_corpus(name, document):
    fast, slow = _html._scan_lexbor(document), _html._scan_stdlib(document)
    for field in FIELDS:
        assert getattr(fast, field) == getattr(slow, field), (name, field)


def test_style_glued_to_the_next_attribute_keeps_the_link():
    document = '<p><b><a style="color:white"href="https://x.example/u">Users</a></b></p>'
    for found in (_html._scan_lexbor(document), _html._scan_stdlib(document)):
        assert found.anchors == [("https://x.example/u", "Users")]


def test_text_only_anchors_read_as_with_the_walk():
    document = ('<a href="https://a.example/">Pay<!-- x -->Pal &amp;\n co</a>'
                '<a href="https://b.example/"></a><a href="https://c.example/"><b>www.</b>c.example'
                "</a>")
    expected = [("https://a.example/", "PayPal & co"), ("https://b.example/", ""),
                ("https://c.example/", "www.c.example")]
    assert _html._scan_lexbor(document).anchors == expected
    assert _html._scan_stdlib(document).anchors == expected


def test_anchor_text_keeps_image_alt_in_order():
    found = _html.scan_html('<a href="https://a.example/"><img alt="Logo"> Open <script>x=1'
                            "</script></a><p>after</p>")
    assert found.anchors == [("https://a.example/", "Logo Open")]
    assert found.text.split() == ["after"] and found.scripts == 1


def test_scripts_count_before_between_and_after_the_link_limit():
    links = "".join(f'<a href="https://a.example/{i}">{i}</a>' for i in range(_html._MAX_ITEMS + 5))
    document = (f"<script>x=1</script>{links}<form action='/late'></form>"
                "<script>window.location='https://evil.example/'</script>")
    for found in (_html._scan_lexbor(document), _html._scan_stdlib(document)):
        assert len(found.anchors) == _html._MAX_ITEMS and found.forms == []
        assert found.scripts == 2 and found.script_redirect


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet='<>a"\'=/ hrefAtd-!', max_size=300))
def test_hostile_markup_never_raises(document):
    _html.scan_html(document)
    _html._scan_stdlib(document)


def test_fallback_without_selectolax(monkeypatch):
    monkeypatch.setattr(_html, "LexborHTMLParser", None)
    assert _html.scan_html('<a href="https://x.example/">x</a>').anchors == [
        ("https://x.example/", "x")]
