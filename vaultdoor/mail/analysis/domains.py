"""Host names as a phishing analyst reads them: registrable domain, script, look-alikes.

Registrable domains come from the Public Suffix List snapshot bundled with the
``publicsuffixlist`` package; nothing is fetched at run time. Unknown TLDs count as public
suffixes (the PSL's default ``*`` rule), so ``lakeside-cs.example`` and ``lakesde-cs.example``
are two different registrable domains.
"""

from __future__ import annotations

import contextlib
import ipaddress
import unicodedata
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

__all__ = [
    "damerau_levenshtein",
    "domain_label",
    "host_to_unicode",
    "ip_address",
    "is_internal_ip",
    "is_known_suffix",
    "public_suffix",
    "registrable_domain",
    "same_or_subdomain",
    "scripts_of",
    "skeleton",
]

# The bundled snapshot only: PublicSuffixList() reads the file shipped in the wheel.
_PSL = PublicSuffixList()

# RFC 1918, loopback and link-local: the ranges that are internal to an organisation. The
# documentation ranges (192.0.2.0/24 ...) stand for public addresses here, although Python's
# ipaddress calls them private.
_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
        "::1/128", "fe80::/10", "fc00::/7",
    )
)


@lru_cache(maxsize=8192)
def ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a URL host stands for, including the integer and hex forms browsers accept."""
    text = host.strip("[]")
    if not text or not (text[-1].isdigit() or ":" in text or "0x" in text.lower()):
        return None  # the common case, a name: no exception to raise and catch
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    # Browsers resolve http://3405803786/ and http://0xcb.0x0.0x71.0xa/ as IPv4: phishers use it.
    parts = text.split(".")
    if not parts or len(parts) > 4 or not all(parts):
        return None
    try:
        numbers = [int(p, 0) if p.lower().startswith("0x") else int(p, 10) for p in parts]
    except ValueError:
        return None
    if len(numbers) == 1 and 0 <= numbers[0] < 2**32:
        return ipaddress.IPv4Address(numbers[0])
    if len(numbers) == 4 and all(0 <= n < 256 for n in numbers):
        return ipaddress.IPv4Address(".".join(str(n) for n in numbers))
    return None


def is_internal_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is inside the organisation (RFC 1918, loopback, link-local)."""
    return any(address in network for network in _INTERNAL_NETWORKS)


@lru_cache(maxsize=8192)
def registrable_domain(host: str) -> str:
    """The eTLD+1 of a host (``portal.lakeside-cs.example`` -> ``lakeside-cs.example``).

    IP literals and bare public suffixes give the host itself, so every link has a value to
    compare.
    """
    host = host.strip(".").lower()
    if not host or ip_address(host) is not None:
        return host
    return _PSL.privatesuffix(host) or host


@lru_cache(maxsize=8192)
def public_suffix(host: str) -> str:
    """The public suffix of a host (``co.uk`` for ``www.bbc.co.uk``)."""
    host = host.strip(".").lower()
    if not host or ip_address(host) is not None:
        return ""
    return _PSL.publicsuffix(host) or ""


@lru_cache(maxsize=8192)
def is_known_suffix(host: str) -> bool:
    """Whether the host ends in a suffix the Public Suffix List actually lists."""
    host = host.strip(".").lower()
    return bool(host) and _PSL.publicsuffix(host, accept_unknown=False) is not None


@lru_cache(maxsize=8192)
def domain_label(domain: str) -> str:
    """The owner-chosen part of a domain: ``lakeside-cs`` in ``lakeside-cs.test``."""
    suffix = public_suffix(domain)
    if suffix and domain.endswith("." + suffix):
        return domain[: -len(suffix) - 1]
    return domain


def same_or_subdomain(host: str, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or one of its sub-domains."""
    return host == domain or host.endswith("." + domain)


@lru_cache(maxsize=4096)
def host_to_unicode(host: str) -> str:
    """The Unicode form of a host whose labels may be punycode (``xn--``); never raises."""
    labels = []
    for label in host.split("."):
        decoded = label
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                decoded = label[4:].encode("ascii").decode("punycode")
        labels.append(decoded)
    return ".".join(labels)


def scripts_of(text: str) -> set[str]:
    """The writing systems of the letters in ``text`` (LATIN, CYRILLIC, GREEK...).

    Digits, hyphens and dots are script-neutral. The script is read from the first word of
    the character's Unicode name, which is enough to tell a Latin ``e`` from a Cyrillic one.
    """
    found: set[str] = set()
    for char in text:
        if char.isascii():
            if char.isalpha():
                found.add("LATIN")
            continue
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name:
            found.add(name.split(" ", 1)[0])
    return found


# ASCII spellings that read as another letter at a glance (UTS #39 maps these the same way).
_ASCII_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"))


@lru_cache(maxsize=1)
def _confusable_map() -> dict[str, str]:
    """Non-ASCII character -> ASCII letter or digit it can be mistaken for.

    Built from the Unicode confusables data shipped in ``confusable-homoglyphs``; loaded only
    when a non-ASCII host turns up.
    """
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[str, str] = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            glyph = entry.get("c", "")
            if len(glyph) == 1 and glyph.isascii() and glyph.isalnum():
                table[char] = glyph.lower()
                break
    return table


@lru_cache(maxsize=8192)
def skeleton(text: str) -> str:
    """A form of ``text`` in which look-alike spellings coincide (after UTS #39's skeleton).

    ``lakesid\u0435-cs`` (with a Cyrillic ``\u0435``), ``1akeside-cs`` and ``lakeside-cs`` share
    one skeleton.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        table = _confusable_map()
        text = "".join(table.get(char, char) for char in text)
    for spelled, letter in _ASCII_LOOKALIKES:
        text = text.replace(spelled, letter)
    return text


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edit distance counting a swap of two neighbours as one edit (optimal string alignment).

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``: callers only
    care about small distances, and domain lists are checked for every link.
    """
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]
