"""The HTML reader's shortcuts change nothing it finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import _html


def _one_branch_per_name(names: str) -> str:
    # The plain form the trie of _any_case replaces: td|th as [tT][dD]|[tT][hH].
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() and c.isascii() else c
                   for c in names)


_PLAIN_BLOCK = re.compile("</?(?:" + _one_branch_per_name(_html._BLOCK_TAGS) + ")"
                          + _html._TAG_BODY)
_PLAIN_INLINE = re.compile("</?(?:" + _one_branch_per_name(_html._INLINE_TAGS) + ")"
                           + _html._TAG_BODY)

# Every tag name and its prefixes, in both cases, names run on ("tdx", "thead", "h7"), and the
# characters that end, quote or break a tag.
_NAMES = sorted({name[:cut] for name in f"{_html._BLOCK_TAGS}|{_html._INLINE_TAGS}".split("|")
                 for cut in range(1, len(name) + 1)} | {"h1", "h6", "h7", "o:", "a", "img"})
_CASED_NAME = st.one_of(st.sampled_from(_NAMES), st.sampled_from(_NAMES).map(str.upper),
                        st.sampled_from(_NAMES).map(str.title))
_TAG = st.builds(lambda start, name, end: start + name + end, st.sampled_from(["<", "</"]),
                 _CASED_NAME, st.sampled_from([">", "/>", " >", ' style="a:b">', "x>", "-",
                                               "'>", "", "\n"]))
_TAG_SOUP = st.lists(st.one_of(_TAG, _CASED_NAME, st.sampled_from([
    "<", "</", ">", "/>", " ", "\n", '"', "'", "=", "x", "-", ":", "1", "é", ' style="a:b"',
    " class='c'", "<a href='u'>", "</a>", "<!--", "-->"])), max_size=30).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TAG_SOUP)
def test_layout_tags_removed_as_with_one_branch_per_name(document):
    plain = _PLAIN_INLINE.sub("", _PLAIN_BLOCK.sub(" ", document))
    assert _html._simplify(document) == plain


def test_any_case_shares_common_starts():
    assert _html._any_case("td|th|thead") == "[tT](?:[dD]|[hH](?:|[eE][aA][dD]))"
    assert _html._any_case("h[1-6]|hr|o:p") == "(?:[hH](?:[1-6]|[rR])|[oO]:[pP])"
    simplified = _html._simplify('<TD class="x">a</Td><thead><th>b</th></thead><tdx>'
                                 "<B>w</b><Span>c</SPAN><br/><h7>")
    assert simplified == " a   b  <tdx>wc <h7>"


def _anchor_text_by_walking(node) -> str:
    # _anchor_text before its shortcut for a link holding one text node.
    if next(node.iter(include_text=False), None) is None:
        return node.text(deep=True) or ""
    parts = []
    for inner in node.traverse(include_text=True):
        if inner.tag == "-text":
            if inner.parent is None or inner.parent.tag not in _html._HIDDEN_TEXT_TAGS:
                parts.append(inner.text_content or "")
        elif inner.tag == "img":
            parts.append(inner.attributes.get("alt") or "")
    return "".join(parts)


_LINK_CONTENT = st.lists(st.sampled_from([
    "Pay", "Pal", " ", "\n", "&amp;", "&nbsp;", "&#x41;", "&", "<!-- c -->", "<b>", "</b>",
    "<img alt='Logo'>", "<img>", "<script>x=1</script>", "<style>p{}</style>", "<br>", "<p>",
    "www.", "example.com", "<", ">", "</a>", "<a href='https://n.example/'>", "\x00", "é",
]), max_size=12).map("".join)


@pytest.mark.skipif(_html.LexborHTMLParser is None, reason="selectolax missing")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINK_CONTENT, st.sampled_from(["", "<p>", "<table><tr><td>"]))
def test_anchor_text_as_by_walking_the_link(content, before):
    tree = _html.LexborHTMLParser(f"{before}<a href='https://x.example/'>{content}</a>tail")
    for node in tree.css("a"):
        assert _html._anchor_text(node) == _anchor_text_by_walking(node)
