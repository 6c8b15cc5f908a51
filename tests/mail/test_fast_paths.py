"""The analyser's shortcuts give the same answers as the plain computations they replace."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import urls
from vaultdoor.mail.analysis.signals import credential_wording as wording

# Words that start, continue or break the phrases, so that random texts hit them often.
_WORDS = [
    "verify", "your", "account", "password", "sign", "in", "log-in", "and", "confirm",
    "username", "enter", "card", "bank", "details", "suspended", "within", "24", "hours",
    "urgent", "unusual", "activity", "tax", "refund", "shared", "a", "document", "with", "you",
    "scan", "the", "qr", "code", "keep", "access", "mailbox", "expired", "reverify", "xqr",
    ".", ",", "\n", "  ", "-", "email", "update", "billing", "secure", "message",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), max_size=60), st.sampled_from([" ", "", "  "]))
def test_first_phrases_equals_one_search_per_family(words, joiner):
    text = joiner.join(words)
    expected = {}
    for family, pattern in wording._FAMILIES:
        if match := pattern.search(text):
            expected[family] = match.group(0)
    assert wording.first_phrases(text) == expected
    assert list(wording.first_phrases(text)) == list(expected)  # same order of families


def test_first_phrases_finds_a_family_overlapping_another():
    # "account ... suspended" (pressure) starts inside "verify your account" (ask).
    text = "please verify your account suspended tomorrow"
    assert wording.first_phrases(text) == {
        "ask": "verify your account", "pressure": "account suspended"}


def _words_with_dots_or_slashes(text: str) -> list[str]:
    # The plain loop that urls._dotted_words replaces, minus words it proves cannot match.
    return [w for w in text.split() if "." in w or "//" in w]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*"ab.w/: \n\t\x1c\x85\u00a0\u2028-)", "www.", "http://", "x.com",
                                 "e.g.", "end.", "hxxp://", "[.]"]), max_size=40).map("".join))
def test_text_urls_the_same_as_reading_every_word(text):
    expected = []
    for word in _words_with_dots_or_slashes(text):
        expected.extend(urls.urls_in_word(word))
    assert urls.extract_text_urls(text, limit=10_000) == expected
    assert [w for w in urls._dotted_words(text) if w not in _words_with_dots_or_slashes(text)] == []


def test_text_urls_edge_words():
    assert urls.extract_text_urls("the end. www.. next") == ["www"]
    assert urls.extract_text_urls("see x.com.\u2028and\x1chttp://a.example/p") == [
        "x.com", "http://a.example/p"]


_URLISH = st.lists(st.sampled_from([
    *"hHxX*pPsS:/[](){}.@ \tw", "hxxp", "hXXps://", "Hxxp[:]//", "hxXp://", "h**p", "[.]",
    "(dot)", "{.}", "[DOT]", "www.", "http://", "example.com", "\u0130", "\u017f",
]), max_size=25).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_URLISH)
def test_refang_shortcuts_change_nothing(text):
    plain = urls._DEFANG_DOTS.sub(".", urls._DEFANG_SCHEME.sub(
        lambda m: f"http{m.group(1)}://", text))
    assert urls._refang(text) == (plain, plain != text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_URLISH)
def test_link_facts_normalise_as_normalise_url(raw):
    link = urls.make_link(raw)
    assert link.url == urls.normalise_url(raw.strip())
    assert link.host == urls.split_url(link.url).host
