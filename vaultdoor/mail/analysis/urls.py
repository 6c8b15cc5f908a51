"""Links as the analyser sees them: found in text, normalised, split into their parts.

Everything here is total: any string goes in, a value comes out, nothing raises. Mail is
written by adversaries, and one odd URL must not stop the scan of a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

from .domains import ip_address, is_known_suffix, registrable_domain

__all__ = [
    "Link",
    "UrlParts",
    "embedded_targets",
    "extract_text_urls",
    "looks_like_email",
    "make_link",
    "normalise_url",
    "query_targets",
    "split_url",
    "url_domain",
    "urls_in_word",
]

# Defanged spellings that security people (and phishers dodging filters) write.
_DEFANG_SCHEME = re.compile(r"^h(?:xx|\*\*|XX)p(s?)(\[?:\]?)//", re.IGNORECASE)
_DEFANG_DOTS = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.IGNORECASE)

# Reserved TLDs (RFC 2606 / RFC 6761) that documentation and test mail use; not in the PSL.
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})

# In running text: a scheme (possibly defanged) or www., then anything up to white space or a
# delimiter that ends URLs in prose.
_URL_IN_TEXT = re.compile(
    r"(?<![\w@.-])(?:(?:h(?:tt|xx|XX|\*\*)ps?|ftp)(?:\[?:\]?)//|www\d{0,3}\.)[^\s<>\"'`{}|\\^]+",
    re.IGNORECASE,
)
# A bare host name with an optional path: "lakesde-cs.example/owa" or "paypal-login.com".
_BARE_HOST_IN_TEXT = re.compile(
    r"(?<![\w@.:/-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z][a-z0-9-]{1,62}))"
    r"(/[^\s<>\"'`{}|\\^]*)?(?![\w@-])",
    re.IGNORECASE,
)
# Suffixes that are real TLDs but in prose are nearly always file names (setup.py, README.md).
_FILE_LIKE_SUFFIXES = frozenset({"py", "md", "sh", "pl", "rs", "so", "js", "txt", "pdf", "doc"})
_TRAILING_PUNCTUATION = ".,;:!?)]}'\">*"
_MAX_URL_LENGTH = 8192
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_EMAIL = re.compile(r"[^\s/:@]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_EMBEDDED_URL = re.compile(r"(?i)https?://[^/\s]|www\.[^/\s]")
_ENCODED_SCHEME = re.compile(r"(?i)https?(:|%3a)")


class UrlParts(NamedTuple):
    """The pieces of a URL that phishing checks look at (a named tuple: made for every new
    URL, at a third of a frozen dataclass's cost)."""

    scheme: str
    userinfo: str
    host: str
    port: str
    path: str
    query: str


@dataclass(slots=True)
class Link:
    """One link in a message: where it goes, what the reader sees, and what is wrong with it."""

    url: str
    text: str = ""
    source: str = "text"  # href, text, form, area, meta-refresh, attachment
    scheme: str = ""
    userinfo: str = ""
    host: str = ""
    registrable_domain: str = ""
    defanged: bool = False
    reasons: list[str] = field(default_factory=list)
    path: str = ""  # of the normalised URL, as split_url(url) splits it
    query: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "text": self.text,
            "host": self.host,
            "registrable_domain": self.registrable_domain,
            "reasons": list(self.reasons),
        }


def _refang(text: str) -> tuple[str, bool]:
    fixed = text
    # Cheap tests first: both patterns are rare, and a regex pass costs more than the test.
    if fixed[:1] in ("h", "H") and fixed[1:3].lower() in ("xx", "**"):
        fixed = _DEFANG_SCHEME.sub(lambda m: f"http{m.group(1)}://", fixed)
    if "[" in fixed or "(" in fixed or "{" in fixed:
        fixed = _DEFANG_DOTS.sub(".", fixed)
    return fixed, fixed != text


@lru_cache(maxsize=8192)
def split_url(url: str) -> UrlParts:
    """Split a URL, reading the authority the way a browser does (the last ``@`` ends userinfo)."""
    scheme, sep, rest = url.partition(":")
    if not sep or not _SCHEME.fullmatch(scheme):
        return UrlParts("", "", "", "", url, "")
    scheme = scheme.lower()
    if not rest.startswith("//"):
        return UrlParts(scheme, "", "", "", rest, "")
    rest = rest[2:]
    cut = len(rest)
    for delimiter in "/?#":
        position = rest.find(delimiter)
        if position != -1:
            cut = min(cut, position)
    authority, remainder = rest[:cut], rest[cut:]
    # Backslashes count as slashes in browsers' URL parsing of http(s).
    if "\\" in authority:
        authority, _, extra = authority.partition("\\")
        remainder = "/" + extra + remainder
    userinfo, at, hostport = authority.rpartition("@")
    if not at:
        userinfo, hostport = "", authority
    host, port = hostport, ""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end != -1:
            host, port = hostport[: end + 1], hostport[end + 2 :]
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    path, _, query = remainder.partition("?")
    query = query.partition("#")[0]
    return UrlParts(scheme, userinfo, host.strip().rstrip(".").lower(), port, path, query)


def _ascii_host(host: str) -> str:
    # IDNA's NFKC step can turn a character into white space (U+00AF -> " \u0304"): drop it,
    # or the next normalisation would give another spelling.
    return "".join(_encode_host(host).split())


def _encode_host(host: str) -> str:
    if host.isascii():
        return host.lower()
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        # Hosts the IDNA 2003 codec rejects still get a stable, comparable spelling.
        labels = []
        for label in host.split("."):
            if label.isascii():
                labels.append(label.lower())
                continue
            try:
                labels.append("xn--" + label.lower().encode("punycode").decode("ascii"))
            except UnicodeError:
                labels.append(label.lower())
        return ".".join(labels)


def normalise_url(raw: str) -> str:
    """One spelling per URL: trimmed, refanged, scheme and host lower-case, host in ASCII.

    ``normalise_url(normalise_url(x)) == normalise_url(x)`` for every string.
    """
    return _normalise_refanged(_refang("".join(raw.split())[:_MAX_URL_LENGTH])[0])[0]


def _normalise_refanged(text: str) -> tuple[str, UrlParts]:
    """:func:`normalise_url` of a URL already without white space and refanged, and the
    split of what was normalised: its scheme, userinfo and host are those of the result
    whenever the host is ASCII without ":" (tests/mail/test_fast_paths.py)."""
    # A host written without a scheme ("portal.example/login") is a web link.
    first = text.split("/", 1)[0]
    bare_host = "://" not in text and "." in first and ":" not in first and "@" not in first
    if text[:4].lower() == "www." or bare_host:
        text = "http://" + text
    parts = split_url(text)
    if not parts.scheme:
        return text, parts
    if not parts.host and not text[len(parts.scheme) + 1 :].startswith("//"):
        return f"{parts.scheme}:{text[len(parts.scheme) + 1:]}", parts
    host = _ascii_host(parts.host)
    port = parts.port
    if (parts.scheme, port) in {("http", "80"), ("https", "443")}:
        port = ""
    userinfo = parts.userinfo + "@" if parts.userinfo else ""
    authority = userinfo + host + (":" + port if port else "")
    tail = text[len(parts.scheme) + 3 :]
    cut = len(tail)
    for delimiter in "/?#":
        position = tail.find(delimiter)
        if position != -1:
            cut = min(cut, position)
    rest = tail[cut:]
    if "\\" in tail[:cut]:
        rest = "/" + tail[:cut].partition("\\")[2] + rest
    return f"{parts.scheme}://{authority}{rest}", parts


def looks_like_email(text: str) -> bool:
    """Whether a link target is really a bare e-mail address (``user.name@example.com``)."""
    return bool(_EMAIL.fullmatch(text.strip()))


# The shape nearly every link in real mail has: http(s), a lower-case ASCII host name without
# port or userinfo, and nothing that white space, refanging, IDNA or a backslash would change
# ("[", "(", "{" start every defanged dot; "\\" ends an authority in browsers). Such a URL is
# already normalised: only its path and query remain to be found.
_PLAIN_HTTP = re.compile(
    r"(https?)://((?:[a-z0-9-]+\.)*[a-z0-9-]+)(?:[/?#][!-')-Z\]-z|}~]*)?"
)


@lru_cache(maxsize=4096)
def _host_domain(host: str) -> str:
    return registrable_domain(host)


def _link_facts(raw: str) -> tuple[str, str, str, str, str, bool, str, str]:
    """normalise_url(raw) and its scheme, userinfo, host, registrable domain, whether it was
    defanged, path and query (raw is at most _MAX_URL_LENGTH long: make_link cuts it)."""
    plain = _PLAIN_HTTP.fullmatch(raw)
    if plain is None:
        return _normalised_facts(raw)
    host = plain.group(2)
    path, _, query = raw[plain.end(2):].partition("?")
    query = query.partition("#")[0]
    return raw, plain.group(1), "", host, _host_domain(host), False, path, query


@lru_cache(maxsize=8192)
def _normalised_facts(raw: str) -> tuple[str, str, str, str, str, bool, str, str]:
    refanged, defanged = _refang("".join(raw.split()))
    url, parts = _normalise_refanged(refanged)
    if not parts.host.isascii() or ":" in parts.host:
        parts = split_url(url)  # IDNA-encoded, or an odd port: read the result afresh
    host = parts.host
    final = split_url(url)
    return (
        url, parts.scheme, parts.userinfo, host, registrable_domain(host) if host else "",
        defanged or refanged.lower().startswith(("hxxp", "h**p")), final.path, final.query,
    )


def url_domain(raw: str) -> str:
    """The registrable domain a raw URL goes to: ``make_link(raw).registrable_domain``, without
    building the link."""
    return _link_facts(raw[:_MAX_URL_LENGTH])[4]


def make_link(raw: str, *, text: str = "", source: str = "text") -> Link:
    """A :class:`Link` for a raw URL as found in a message."""
    url, scheme, userinfo, host, domain, defanged, path, query = _link_facts(
        raw[:_MAX_URL_LENGTH])
    if text and (len(text) > 500 or not text.isprintable() or "  " in text
                 or text[0] == " " or text[-1] == " "):
        # isprintable() is False for every white space but " ": any other text is already
        # what the split and join would make of it (most are: anchor texts come normalised)
        text = " ".join(text.split())[:500]
    return Link(url, text, source, scheme, userinfo, host, domain, defanged, [], path, query)


def _plausible_host(host: str) -> bool:
    tld = host.rsplit(".", 1)[-1].lower()
    if tld in RESERVED_TLDS:
        return True
    if tld in _FILE_LIKE_SUFFIXES or tld.isdigit():
        return False
    return is_known_suffix(host) and "." in host


_SPACE = re.compile(r"\s")  # the characters str.split() splits at, exactly


def _dotted_words(text: str) -> Iterator[str]:
    """The words of ``text`` (as ``text.split()`` cuts them) that could hold a URL, in order.

    URLs never contain white space, and every pattern here needs "//" or a dot with something
    after it, so a word whose only dot ends it ("end.") is skipped. The words are found from
    their first dot or "//" (str.find: far faster than a regex), and the search goes on after
    the word, instead of splitting a long body into thousands of words.
    """
    backwards = ""
    end = 0
    length = len(text)
    while True:
        dot, slashes = text.find(".", end), text.find("//", end)
        if dot == -1 and slashes == -1:
            return
        position = dot if slashes == -1 or (dot != -1 and dot < slashes) else slashes
        if not backwards:
            backwards = text[::-1]
        space_before = _SPACE.search(backwards, length - position)
        start = length - space_before.start() if space_before else 0
        space_after = _SPACE.search(text, position)
        end = space_after.start() if space_after else length
        word = text[start:end]
        if "//" in word or word.find(".") < len(word) - 1:
            yield word


def extract_text_urls(text: str, *, limit: int = 500) -> list[str]:
    """URLs written in running text: with a scheme, ``www.``, defanged, or as a bare host name.

    Addresses like ``sales@example.com`` are not URLs and are skipped.
    """
    found: list[str] = []
    for word in _dotted_words(text):
        found.extend(urls_in_word(word))
        if len(found) >= limit:
            return found[:limit]
    return found


def urls_in_word(word: str) -> list[str]:
    """The URLs in one word (no white space) of running text."""
    whole = _URL_IN_TEXT.match(word)
    if whole is not None and whole.end() == len(word):
        # The word is one URL (most are): any bare host name in it lies inside that URL.
        url = whole.group(0).rstrip(_TRAILING_PUNCTUATION)
        return [url] if url else []
    return _urls_in_any_word(word)


def _urls_in_any_word(word: str) -> list[str]:
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for match in _URL_IN_TEXT.finditer(word):
        url = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        if url:
            found.append(url)
            taken.append(match.span())
    for match in _BARE_HOST_IN_TEXT.finditer(word):
        start = match.start()
        if any(a <= start < b for a, b in taken):
            continue
        host = match.group(1)
        if ip_address(host) is not None or not _plausible_host(host):
            continue
        found.append(match.group(0).rstrip(_TRAILING_PUNCTUATION))
    return found


def embedded_targets(url: str) -> list[str]:
    """The absolute URLs carried in a URL's query, as click wrappers and redirectors do."""
    # The query is part of what follows the first "?": most links carry no URL there at all.
    mark = url.find("?")
    if mark == -1:
        return []
    after = url[mark:].lower()
    if "http" not in after and "www" not in after:
        return []
    return query_targets(split_url(url).query)


def query_targets(query: str) -> list[str]:
    """The absolute URLs among the values of a query string (decoded up to three times)."""
    lowered = query.lower()
    if "http" not in lowered and "www" not in lowered:
        return []
    targets: list[str] = []
    for _, value in parse_qsl(query, keep_blank_values=False):
        candidate = value.strip()
        for _ in range(3):  # values are sometimes encoded more than once
            if _ENCODED_SCHEME.match(candidate) and "%" in candidate[:12]:
                candidate = unquote(candidate)
            else:
                break
        if _EMBEDDED_URL.match(candidate):
            targets.append(candidate)
    return targets
