"""The lists shipped with the analyser: shorteners, redirectors, brands, abused TLDs.

All are text files in ``data/`` (see its NOTICE for sources and licences), read once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .domains import registrable_domain

__all__ = [
    "Brand",
    "abused_tld_tier",
    "default_brands",
    "is_redirector",
    "is_shortener",
    "load_brands",
]


@dataclass(frozen=True, slots=True)
class Brand:
    """A protected brand: the name shown to people and the domains that really are it."""

    name: str
    domains: frozenset[str]


def _data(name: str) -> str:
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    return _content_lines(_data(name))


def _content_lines(text: str) -> list[str]:
    content = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in content if line]


@lru_cache(maxsize=1)
def _shorteners() -> tuple[frozenset[str], frozenset[str]]:
    exact, wildcard = set(), set()
    for line in _lines("shorteners.txt"):
        host = line.lower()
        (wildcard if host.startswith(".") else exact).add(host.lstrip("."))
    return frozenset(exact), frozenset(wildcard)


@lru_cache(maxsize=1)
def _redirectors() -> frozenset[str]:
    return frozenset(line.lower() for line in _lines("redirectors.txt"))


def _host_in(host: str, hosts: frozenset[str]) -> bool:
    # Match the host and each parent: "nam11.safelinks.protection.outlook.com" is listed under
    # "safelinks.protection.outlook.com", "click.mlsend.com" under "mlsend.com".
    labels = host.lower().split(".")
    return any(".".join(labels[i:]) in hosts for i in range(len(labels) - 1))


@lru_cache(maxsize=16384)
def is_shortener(host: str) -> bool:
    """Whether a host is a public URL shortener (SpamAssassin's list)."""
    exact, wildcard = _shorteners()
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    if host in exact:
        return True
    return any(host.endswith("." + domain) for domain in wildcard)


@lru_cache(maxsize=16384)
def is_redirector(host: str) -> bool:
    """Whether a host redirects: a shortener, click tracker or link wrapper (rspamd's list)."""
    return _host_in(host, _redirectors()) or is_shortener(host)


@lru_cache(maxsize=1)
def _abused_tlds() -> dict[str, str]:
    tiers: dict[str, str] = {}
    for line in _lines("abused_tlds.txt"):
        tld, _, tier = line.partition(" ")
        tiers[tld.lower()] = tier.strip() or "elevated"
    return tiers


@lru_cache(maxsize=16384)
def abused_tld_tier(host: str) -> str:
    """``high``, ``elevated`` or ``""`` for the TLD of a host."""
    return _abused_tlds().get(host.rsplit(".", 1)[-1].lower(), "")


def parse_brands(text: str) -> tuple[Brand, ...]:
    """Brands from text in the ``Name = domain domain`` format of ``data/brands.txt``."""
    brands = []
    for line in _content_lines(text):
        name, sep, domains = line.partition("=")
        if not sep or not name.strip():
            continue
        brands.append(
            Brand(name.strip(), frozenset(registrable_domain(d) for d in domains.split() if d))
        )
    return tuple(brands)


@lru_cache(maxsize=1)
def default_brands() -> tuple[Brand, ...]:
    """The brands shipped with vaultdoor."""
    return parse_brands(_data("brands.txt"))


def load_brands(path: str | Path) -> tuple[Brand, ...]:
    """Brands from an operator's file in the same format."""
    return parse_brands(Path(path).read_text(encoding="utf-8"))
