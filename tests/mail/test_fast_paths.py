"""The analyser's shortcuts give the same answers as the plain computations they replace."""

from __future__ import annotations

import email.message
import re
from email import policy as email_policy
from email.utils import getaddresses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import message as message_module
from vaultdoor.mail.analysis import urls
from vaultdoor.mail.analysis.hostlists import Brand
from vaultdoor.mail.analysis.signals import credential_wording as wording
from vaultdoor.mail.analysis.signals import login_page_url
from vaultdoor.mail.analysis.wordtrie import trie_pattern

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
    "u:p@", "@", ":80", ":443", "https://", "[::1]", "[", "]", "\\", "?", "#", "A.COM.", "ftp:",
    "\uff0f", "\u00e9",
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
    parts = urls.split_url(link.url)
    assert (link.scheme, link.userinfo, link.host) == (parts.scheme, parts.userinfo, parts.host)
    assert (link.path, link.query) == (parts.path, parts.query)


# URLs near the plain shape that _link_facts reads without normalising: http(s), a lower-case
# host, then anything; the pieces put every character the shortcut must refuse right beside it.
_NEAR_PLAIN = st.builds(
    lambda scheme, labels, start, tail: scheme + ".".join(labels) + start + "".join(tail),
    st.sampled_from(["https://", "http://", "HTTP://", "hxxps://", "ftp://", "https:/", ""]),
    st.lists(st.sampled_from(["a", "mlsend", "xn--e1a", "0", "-", "b-c", "", "A", "é",
                              "co", "uk", "1", "255"]), min_size=1, max_size=4),
    st.sampled_from(["", "/", "?", "#", "/a/", ":8080/", "."]),
    st.lists(st.sampled_from([
        "/", "?", "#", "/path", "?q=1&u=https%3A%2F%2Fx.example", "#frag", ".", ":", ":443",
        ":80", "@", "u:p@", "[", "]", "(", ")", "{", "}", "[.]", "(dot)", "\\", " ", "\t",
        "%20", "~", "|", "^", "`", "'", '"', "<", ">", "\u00a0", "\x7f", "\u2028", "=", "&",
    ]), max_size=6))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_NEAR_PLAIN, _URLISH))
def test_plain_http_shortcut_gives_the_normalised_facts(raw):
    assert urls._link_facts(raw) == urls._normalised_facts.__wrapped__(raw)


# Headers: the plain-value shortcut of message._MemoisedPolicy reads as policy.default does.
_HEADER_PIECES = [
    "Owen", " Pryce", "John Q. Public", " ", "  ", ",", "<", ">", "@", "owen@harper.example",
    "a.b-c_d+e@x.example", ";", ":", "=", "/", ".", "-", "_", "'", "[", "]", "!", "#", "%", "&",
    "?", "\r\n ", "\n\t", "Undisclosed:", "text/html", "multipart/mixed", "charset=utf-8",
    "boundary=", "===_Part_1", "filename=", "invoice.html", "attachment", "inline", "x", "1",
    "base64", " BASE64 ", "quoted-printable", "; name=", '"a b.html"', "text/plain; charset=",
    '"', '"Smith, John"', "\\", "(c)", "*", "=?utf-8?q?Jos=C3=A9?=", "\u00e9", "\x00", "\x7f",
]
_NOISE = st.lists(st.sampled_from(_HEADER_PIECES), max_size=14).map("".join)
_WORD = st.sampled_from(["Owen", "O'Brien", "Q", "a!b", "x#y", "=", "?", "{z}", "1", "-", "_"])
_SPACE = st.sampled_from(["", " ", "  ", "\r\n ", "\t"])
_ADDR = st.sampled_from(["owen@harper.example", "a.b+c@x-y.example", "O'Brien@ie.example",
                         "x@y", "first.last@sub.domain.example", "=?q@x.example"])
_MAILBOX = st.one_of(_ADDR, st.builds(
    lambda words, space, addr: " ".join(words) + space + "<" + addr + ">",
    st.lists(_WORD, min_size=1, max_size=3), _SPACE, _ADDR))
_ADDRESSES = st.builds(lambda boxes, sep: sep.join(boxes),
                       st.lists(_MAILBOX, min_size=1, max_size=3),
                       st.sampled_from([",", ", ", " ,\r\n ", ",,"]))
_PARAMETER = st.builds(
    lambda name, space, value: f";{space}{name}={value}",
    st.sampled_from(["charset", "boundary", "name", "filename", "format", "x"]), _SPACE,
    st.sampled_from(["utf-8", '"utf-8"', "===_Part_1.2", '"==_a b (c)"', "a.html", '""',
                     "x%20y", '"a;b"', "US-ASCII", "flowed", "~^`|"]))
_CONTENT = st.builds(
    lambda kind, parameters, end: kind + "".join(parameters) + end,
    st.sampled_from(["text/html", "TEXT/Plain", "multipart/mixed", "attachment", "inline",
                     "base64", "Quoted-Printable", "application/x-foo.bar"]),
    st.lists(_PARAMETER, max_size=3), st.sampled_from(["", ";", " ", "; ", "\r\n "]))
_HEADER_VALUES = st.one_of(_NOISE, _ADDRESSES, _CONTENT,
                           st.builds(lambda a, b: a + b, _CONTENT, _NOISE))


def _full(name, value):
    try:
        return email_policy.default.header_fetch_parse(name, value)
    except Exception:  # the analyser reads what policy.default cannot parse as written
        return value.replace("\r", "").replace("\n", "")


def _fast(name, value):
    return message_module._POLICY.header_fetch_parse(name, value)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["From", "To", "Cc", "Reply-To", "Delivered-To", "Subject",
                        "Return-Path", "Authentication-Results", "List-Unsubscribe",
                        "List-Id", "Content-Description", "Content-Transfer-Encoding"]),
       _HEADER_VALUES)
def test_plain_headers_read_as_with_the_full_parser(name, value):
    def reading(parse):
        try:
            text = " ".join(str(parse(name, value)).split())
        except Exception:  # message._header_text and _all_headers read these as absent
            return None
        if name in {"From", "To", "Cc", "Reply-To"}:  # only read through getaddresses
            return getaddresses([text])
        return text, getaddresses([text])

    assert reading(_fast) == reading(_full)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_ADDRESSES, _HEADER_VALUES))
def test_mailboxes_read_as_getaddresses_reads_them(value):
    value = " ".join(value.split())  # as _all_headers hands values over
    message_module._mailboxes.cache_clear()
    expected = tuple(
        message_module.Address(display.strip(), address.strip().lower())
        for display, address in getaddresses([value]) if address or display)
    assert message_module._mailboxes(value) == expected


def _part(name, value):
    part = email.message.EmailMessage()
    part._headers.append((name, value))  # as the parser stores it, unparsed
    return part


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Content-Type", "Content-Disposition", "Content-Transfer-Encoding"]),
       _HEADER_VALUES)
def test_plain_content_headers_read_as_with_the_full_parser(name, value):
    # What the analyser and the email package read (not get_params(): policy.default drops
    # repeated parameters from it; everything here takes the first, as it does).
    readings = []
    for chosen in (email_policy.default, message_module._POLICY):
        part = _part(name, value)
        part.policy = chosen
        part.set_payload("aGk=\n")
        try:
            readings.append((
                part.get_content_type(), part.get_param("name", header=name.lower()),
                part.get_boundary(), part.get_filename(), part.get_content_charset(),
                part.get_content_disposition(), part.get_payload(decode=True)))
        except Exception as exc:  # the same failure is the same reading
            readings.append(type(exc))
    assert readings[0] == readings[1]


_QUERYISH = st.lists(st.sampled_from([
    "https://", "http://", "x.example", "/", "?", "#", "&", "=", "u=", "url=", "HTTP", "www.",
    "WWW.", "%3A", "https%3A%2F%2F", "@", "\\", ":", "a", "r.example", "[", "]", "mailto:",
]), max_size=12).map("".join)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_QUERYISH)
def test_embedded_targets_shortcut_reads_as_the_whole_query(url):
    assert urls.embedded_targets(url) == urls.query_targets(urls.split_url(url).query)


# Literal words as a trie regex (analysis/wordtrie.py) find what the plain alternation of the
# words, longest first, finds; and brand names found in all paths at once (login_page_url)
# are those found by searching each path.
_TRIE_WORDS = st.lists(st.text(alphabet="abcp.-\u00e9", min_size=1, max_size=6), min_size=1,
                       max_size=8, unique=True)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TRIE_WORDS, st.text(alphabet="abcp.-/\n\u00e9x", max_size=40))
def test_trie_pattern_finds_what_the_alternation_finds(words, text):
    plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    trie = re.compile(trie_pattern(words))
    assert [m.group(0) for m in trie.finditer(text)] == [m.group(0) for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from([
    "paypal", "PayPal", "microsoft", "paypalx", "pay", "pal", "/", "x", "\u0130", "-", "."]),
    max_size=5).map("".join), max_size=8))
def test_brands_in_all_paths_are_those_in_each_path(paths):
    brands = (Brand("PayPal", frozenset({"paypal.com"})),
              Brand("Microsoft", frozenset({"microsoft.com"})), Brand("Pay Pal X", frozenset()))
    pattern, brand_of = login_page_url._brand_words(brands)
    expected = {}
    for index, path in enumerate(paths):
        match = pattern.search(path.lower())
        if match:
            expected[index] = brand_of[match.group(0)]
    assert login_page_url._brands_in_paths(brands, paths) == expected


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "https://", "http://", "hxxp[:]//", "www.", "WWW.", "x.example", "paypal.com", ".", "/",
    ")", "(", "]", "'", ">", "@", "a", "1.2.3.4", "setup.py", ",", ":", "-", "\u00e9", "//",
]), max_size=10).map("".join))
def test_a_word_that_is_one_url_reads_as_any_word(word):
    assert urls.urls_in_word(word) == urls._urls_in_any_word(word)


def _dedupe_reference(links):
    """message._dedupe as first written: by key, then dropping later text copies of a URL."""
    by_url, ordered, seen = {}, [], set()
    for link in links:
        key = (link.url, link.text, link.source)
        if key in seen or (link.source == "text" and link.url in by_url):
            continue
        seen.add(key)
        by_url.setdefault(link.url, link)
        ordered.append(link)
    return [link for link in ordered
            if not (link.source == "text" and by_url[link.url] is not link)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.sampled_from(["", "a", "u1"]),
                          st.sampled_from(["text", "href", "form", "area"])), max_size=12))
def test_link_dedupe_keeps_what_the_first_version_kept(triples):
    links = [urls.Link(url=u, text=t, source=s) for u, t, s in triples]
    def positions(kept):
        return [next(i for i, link in enumerate(links) if link is k) for k in kept]

    assert positions(message_module._dedupe(links)) == positions(_dedupe_reference(links))


@settings(max_examples=800, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(st.sampled_from(
    ["a", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x1c", "\x85", "b c", "x" * 499]),
    max_size=6).map("".join)))
def test_link_text_is_the_text_with_white_space_collapsed(text):
    assert urls.make_link("https://x.example/", text=text).text == (
        " ".join(text.split())[:500] if text else "")


# Host-level link signals run once per host (Evidence.web_hosts); the same findings and link
# reasons as the per-link loops they replaced (written out here as the reference).
def _per_link_reference(evidence):
    from vaultdoor.mail.analysis.domains import ip_address, is_internal_ip
    from vaultdoor.mail.analysis.hostlists import abused_tld_tier, is_shortener

    out = []
    best = None
    for link in evidence.web_links:
        address = ip_address(link.host) if link.host else None
        if address is None or is_internal_ip(address):
            continue
        link.reasons.append("ip_literal_host")
        weight = 0.5 if link.host.strip("[]") != str(address) and ":" not in link.host else 0.25
        if best is None or weight > best[0]:
            best = (weight, link)
    out.append(best and (best[0], best[1].url))
    found = None
    for link in evidence.web_links:
        if link.host and is_shortener(link.host):
            link.reasons.append("url_shortener")
            found = found or link
    out.append(found and found.url)
    best = None
    for link in evidence.web_links:
        tier = abused_tld_tier(link.host) if link.host else ""
        if not tier or evidence.is_own(link.host):
            continue
        link.reasons.append("abused_tld")
        if best is None or (tier == "high" and best[0] != "high"):
            best = (tier, link)
    out.append(best and (best[0], best[1].url))
    return out


def _grouped(evidence):
    from vaultdoor.mail.analysis.signals import AbusedTld, IpLiteralHost, UrlShortener

    out = []
    for signal in (IpLiteralHost(), UrlShortener(), AbusedTld()):
        findings = list(signal.check(evidence))
        finding = findings[0] if findings else None
        if isinstance(signal, IpLiteralHost):
            out.append(finding and (finding.weight, finding.link.url))
        elif isinstance(signal, UrlShortener):
            out.append(finding and finding.link.url)
        else:
            tier = finding and ("high" if finding.standalone else "elevated")
            out.append(finding and (tier, finding.link.url))
    return out


_HOSTS = ["bit.ly", "1.2.3.4", "10.0.0.1", "3405803786", "x.tk", "y.top", "z.example",
          "lakeside-cs.example", "[2001:db8::1]", "tinyurl.com", "a.xyz"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_HOSTS), st.sampled_from(["/", "/a", "/b?q=1"])),
                max_size=10))
def test_host_level_signals_find_what_the_per_link_loops_found(pairs):
    from vaultdoor.mail.analysis import ScanContext
    from vaultdoor.mail.analysis.message import ParsedMessage
    from vaultdoor.mail.analysis.signals import Evidence

    def evidence():
        links = [urls.make_link(f"http://{host}{path}", source="href") for host, path in pairs]
        message = ParsedMessage(headers=email.message.Message(), links=links)
        return Evidence.gather(message, ScanContext.build(org_domains=["lakeside-cs.example"]))

    plain, grouped = evidence(), evidence()
    assert _grouped(grouped) == _per_link_reference(plain)
    assert [link.reasons for link in grouped.web_links] == [
        link.reasons for link in plain.web_links]
