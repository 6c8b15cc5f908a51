"""The HTML reader's shortcuts change nothing it finds."""

from __future__ import annotations

import re

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
