"""The URL extractor and normaliser: known cases, and properties on arbitrary input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import extract_text_urls, normalise_url
from vaultdoor.mail.analysis.domains import (
    damerau_levenshtein,
    ip_address,
    registrable_domain,
    skeleton,
)
from vaultdoor.mail.analysis.signals.anchor_mismatch import final_target
from vaultdoor.mail.analysis.urls import make_link, split_url

URLISH = st.text(
    alphabet=st.sampled_from([*"abcxyz019-._~:/?#[]@!$&'()*+,;=%\\ hHtTpPsSwW", "\u0435", "ü"]),
    max_size=80,
)


def test_text_urls_with_schemes_www_defanged_and_bare_hosts():
    text = ("See https://a.example/x, www.b.example/y and hxxp://c[.]example/z. "
            "Also lakesde-cs.example/owa or paypal-login.com; mail sales@d.example.")
    found = extract_text_urls(text)
    assert found[:3] == ["https://a.example/x", "www.b.example/y", "hxxp://c[.]example/z"]
    assert "lakesde-cs.example/owa" in found and "paypal-login.com" in found
    assert not any("d.example" in url for url in found)


def test_file_names_and_abbreviations_are_not_hosts():
    assert extract_text_urls("run setup.py, read README.md, Dott.ssa Rossi, P.IVA 123") == []


def test_normalise_lowercases_host_refangs_and_drops_default_port():
    assert normalise_url(" HTTPS://WWW.Example.COM:443/Path?Q=1 ") == "https://www.example.com/Path?Q=1"
    assert normalise_url("hxxp://evil[.]example/a") == "http://evil.example/a"
    assert normalise_url("www.example.com/a") == "http://www.example.com/a"
    assert normalise_url("https://bücher.example/") == "https://xn--bcher-kva.example/"


def test_authority_is_read_like_a_browser():
    parts = split_url("http://user@@@phishing.com/page")
    assert parts.host == "phishing.com" and parts.userinfo == "user@@"
    assert split_url("https://a.example\\@evil.example/").host == "a.example"


def test_registrable_domains_with_psl_and_unknown_tlds():
    assert registrable_domain("portal.lakeside-cs.example") == "lakeside-cs.example"
    assert registrable_domain("www.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("203.0.113.9") == "203.0.113.9"


def test_ip_spellings():
    assert str(ip_address("3405803786")) == "203.0.113.10"
    assert str(ip_address("0xcb.0.0x71.0xa")) == "203.0.113.10"
    assert ip_address("example.com") is None


def test_skeleton_and_edit_distance():
    assert skeleton("lakesid\u0435-cs") == skeleton("lakeside-cs") == skeleton("1akeside-cs")
    assert damerau_levenshtein("lakesde-cs", "lakeside-cs") == 1
    assert damerau_levenshtein("lakesied-cs", "lakeside-cs") == 1  # one transposition
    assert damerau_levenshtein("abc", "xyzxyz", limit=2) == 3


def test_wrapper_walk_stops_at_ambiguity_and_depth():
    assert final_target("http://w.example/r?u=http%3A%2F%2Fwww.cnn.com%2F") == ("cnn.com", True)
    assert final_target("http://w.example/r?u=http%3A%2F%2Fa.com&v=http%3A%2F%2Fb.com")[1] is False
    url = "http://w.example/"
    for host in ("a.io", "b.io", "c.io", "d.io", "e.io", "f.io"):
        url = f"http://{host}/?u=" + url.replace("%", "%25").replace(":", "%3A").replace("/", "%2F")
    assert final_target(url)[1] is False


@settings(max_examples=400, deadline=None)
@given(URLISH)
def test_normalise_never_raises_and_is_idempotent(raw):
    once = normalise_url(raw)
    assert normalise_url(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_extractor_never_raises_and_finds_substrings(text):
    for url in extract_text_urls(text):
        assert url and url in text


@settings(max_examples=300, deadline=None)
@given(URLISH, st.text(max_size=40))
def test_make_link_never_raises(raw, text):
    link = make_link(raw, text=text)
    assert link.to_dict()["url"] == link.url
