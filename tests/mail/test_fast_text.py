"""The text checks' shortcuts find what the plain regex searches find."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis.signals import credential_wording as wording
from vaultdoor.mail.analysis.signals import risky_attachment as risky

# Every word written in the phrase patterns (whole words, and the fragments around optional
# letters such as "re-?activate" or "urgent(?:ly)?"), so that random texts hit the phrases,
# their prefixes and words that merely start like them.
_PATTERN_WORDS = sorted({word for _, pattern in wording._FAMILIES
                         for word in re.findall(r"[a-z]+", pattern.pattern)})
_PIECES = [*_PATTERN_WORDS, "re-activate", "sign-in", "log-in", "e-mail", "right away", "24",
           "you have received a", "has been shared", "with you", "scan the qr", "tax refund",
           " ", "  ", "\n", "\t", ".", ",", "!", "-", "_", "0", "x", "é", "É", "\u00a0", "İ",
           "V", "ß", "\u2028"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from([" ", "", "\n"]))
def test_first_phrases_equals_one_search_per_family_on_pattern_words(pieces, joiner):
    # Joined without a separator, words run into each other ("xverify", "éupdate", "_tax"):
    # the scanner proposes positions there that the families' \b must still reject.
    text = joiner.join(pieces)
    expected = {family: match.group(0) for family, pattern in wording._FAMILIES
                if (match := pattern.search(text))}
    assert wording.first_phrases(text) == expected
    assert list(wording.first_phrases(text)) == list(expected)


@pytest.mark.parametrize("text", [
    "verify your account", "Verify your account\nverify your password", "xverify your account",
    "_update your email", "éupdate your email now", "ÉVERIFY: verify your login",
    "urgent: scan the qr code to keep access", "tax refund", "\u2028tax refund",
    "sign in and confirm; within 2 days your mailbox is suspended", "",
])
def test_first_phrases_at_the_edges(text):
    expected = {family: match.group(0) for family, pattern in wording._FAMILIES
                if (match := pattern.search(text))}
    assert wording.first_phrases(text) == expected


def test_every_family_subset_scanner_finds_each_phrase():
    # The scanner of the families still missing matches one character before each of their
    # phrases (its first character is any non-word one).
    for mask in range(1, 1 << len(wording._FAMILIES)):
        missing = tuple(f for i, f in enumerate(wording._FAMILIES) if mask >> i & 1)
        scanner = wording._scanner(missing)
        for phrase in ("verify your account", "account suspended", "tax refund", "scan the qr",
                       "log in to view your username", "you have received a fax"):
            families = [name for name, pattern in missing if pattern.fullmatch(phrase)]
            assert bool(scanner.match(f" {phrase}")) == bool(families), (missing, phrase)


def test_pattern_splitting_respects_groups_classes_and_escapes():
    assert wording._top_level(r"a[\]|]|b(?:c|d)|e\|f") == [r"a[\]|]", "b(?:c|d)", r"e\|f"]
    assert wording._leading_group_spread("(?:a|(?:b|c)d)x") == ["ax", "bdx", "cdx"]
    # An optional or repeated leading group is left whole (spreading it would drop the "?").
    assert wording._leading_group_spread("(?:a|b)?x") == ["(?:a|b)?x"]
    assert wording._leading_group_spread("(?:a|b)+x") == ["(?:a|b)+x"]
    combined, letters_first = wording._trie(["ab?c", "abd", "ab*e", "(?:b|c)y"])
    assert letters_first and combined.startswith("a(?:")
    pattern = re.compile(f"(?:{combined})")
    for text in ("ac", "abc", "abd", "ae", "abbe", "by", "cy"):
        assert pattern.match(text), text
    for text in ("ad", "bx", "y", "x"):
        assert not pattern.match(text), text
    # A letter that is optional or repeated is no leading letter.
    assert wording._trie(["a*x", "by"]) == ("by|a*x", False)


def test_scanner_refuses_alternatives_it_cannot_place():
    with pytest.raises(ValueError, match="leading"):
        wording._families_scanner((("x", re.compile(r"\bverify|account\b")),))
    with pytest.raises(ValueError, match="letter"):
        wording._families_scanner((("x", re.compile(r"\b\d+ days\b")),))
    with pytest.raises(ValueError, match="letter"):
        wording._families_scanner((("x", re.compile(r"\b(?:a|b)?c")),))
    with pytest.raises(ValueError, match="flags"):
        wording._families_scanner((("x", re.compile(r"\bverify", re.IGNORECASE)),))


# Notices of removed attachments: words of both alternatives, extensions in any case, the
# characters that case-fold onto ASCII letters (Kelvin sign, long s, dotted and dotless i) and
# what ends a file name or continues a domain.
_NOTICE_PIECES = [
    "deleted", "Removed", "STRIPPED", "blocked", "quarantined", "dropped", "was", "has been",
    "were", "the attachment", "invoice", "file", ".", ".exe", ".EXE", ".Js", ".jse", ".lnk",
    ".ln\u212a", ".\u017fcr", ".\u0130so", ".\u0131mg", ".docm", ".xlsm", ".com", ".example",
    ".pdf", " ", "\n", "@", "-", "x", "_", ":", "'", "\u017ftripped", "quarant\u0130ned",
    "bloc\u212aed",
]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_NOTICE_PIECES), max_size=30).map("".join))
def test_stripped_notice_as_the_removal_words_and_the_regex(text):
    expected = risky._STRIPPED.search(text) if risky._mentions_removal(text) else None
    found = risky._stripped_notice(text)
    assert (found and found.span()) == (expected and expected.span())
    if risky._STRIPPED.search(text):  # the pre-check is implied by every notice
        assert risky._NOTICE_EXTENSION.search(text)


def test_stripped_notice_examples():
    notice = "Attachment invoice.exe was removed by the gateway."
    assert risky._stripped_notice(notice).group(0) == "e.exe was removed"
    assert risky._stripped_notice("Blocked: report.JS (policy)").group(0) == "Blocked: report.JS"
    assert risky._stripped_notice("We removed nothing; see www.example.com") is None
    assert risky._stripped_notice("removed file.exe.example.com") is None
