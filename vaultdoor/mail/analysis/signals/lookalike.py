"""Domains made to look like the organisation's own or a protected brand's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..domains import damerau_levenshtein, domain_label, host_to_unicode, skeleton
from ..hostlists import Brand
from ..report import Finding
from ..urls import Link
from .base import Evidence, Signal
from .display_name import org_names


@lru_cache(maxsize=4096)
def compare(domain: str, host: str, protected: str, own: bool) -> tuple[float, str]:
    """How much ``domain`` (the registrable domain of ``host``) imitates ``protected``.

    Returns (weight, why); weight 0 means it does not. Cached: the same domains come back in
    message after message.
    """
    if domain == protected or domain.endswith("." + protected):
        return 0.0, ""
    label = host_to_unicode(domain_label(domain))
    target = domain_label(protected)
    if not label or not target:
        return 0.0, ""
    if label == target:
        # Weak alone: organisations own several TLDs, and with no configured own domains the
        # recipients' domains stand in for them.
        return (0.35 if own else 0.3), f"same name as {protected} under another suffix"
    if skeleton(label) == skeleton(target):
        return 0.7, f"reads like {protected} (confusable characters)"
    distance_allowed = 2 if len(target) >= 10 else 1 if len(target) >= 6 else 0
    if distance_allowed and abs(len(label) - len(target)) <= distance_allowed:
        distance = damerau_levenshtein(label, target, limit=distance_allowed)
        if distance <= distance_allowed:
            return 0.65, f"{distance} typing edit(s) away from {protected}"
    if re.search(rf"(?:^|\.){re.escape(protected)}\.", host):
        return 0.6, f"puts {protected} in front of another domain"
    return 0.0, ""


class _Protected:
    """What one organisation protects: its own domains, the brands' domains and the names
    they go by. Compared by identity: :func:`_protection` makes one per organisation."""

    __slots__ = ("all_domains", "domains", "words")

    def __init__(self, own_domains: frozenset[str], brands: tuple[Brand, ...]) -> None:
        domains: list[tuple[str, bool]] = [(d, True) for d in own_domains]
        for brand in brands:
            domains.extend((d, False) for d in brand.domains)
        self.domains = tuple(domains)
        self.all_domains = frozenset(d for d, _ in domains)
        self.words = frozenset(org_names(own_domains) | {
            domain_label(d) for d, _ in domains if len(domain_label(d)) >= 5
        })


@lru_cache(maxsize=64)
def _protection(own_domains: frozenset[str], brands: tuple[Brand, ...]) -> _Protected:
    return _Protected(own_domains, brands)


@lru_cache(maxsize=8192)
def _judge(domain: str, host: str, protected: _Protected) -> tuple[float, str, str, bool]:
    """For one domain (of ``host``): the heaviest imitation (its weight and why; the first
    protected domain of that weight), the protected word it wraps in a longer name ("" when
    none), and whether the link is marked. Cached: link hosts come back message after message.
    """
    weight, why = 0.0, ""
    for candidate, own in protected.domains:
        w, reason = compare(domain, host, candidate, own)
        if w > weight:
            weight, why = w, reason
    tokens = set(re.split(r"[-.]", host_to_unicode(domain_label(domain))))
    hit = sorted(tokens & protected.words) if len(tokens) > 1 else []
    wrapped = hit[0] if hit else ""
    return weight, why, wrapped, weight > 0 or bool(wrapped)


class LookalikeDomain(Signal):
    """Sender, reply or link domains that imitate a protected domain.

    Protected are the organisation's own domains and the brand list. Checks, strongest first:
    confusable characters (UTS #39 skeletons), a small Damerau-Levenshtein distance (one edit
    for names of six letters or more, two from ten), a protected domain used as a sub-domain
    (``paypal.com.example.net``), the same name under another suffix, and the protected name
    as one word of a longer name (``paypal-secure.com``, combosquatting).
    """

    name = "lookalike_domain"
    weight = 0.65

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        protected = _protection(evidence.own_domains, evidence.context.brands)
        best: tuple[float, str, Link | None] = (0.0, "", None)
        for where, host, link in self._candidates(evidence):
            domain = link.registrable_domain if link else host
            if not domain or domain in protected.all_domains:
                continue
            weight, why, wrapped, fired = _judge(domain, host, protected)
            if weight > best[0]:
                best = (weight, f"{where} {domain} {why}", link)
            if best[0] < 0.3 and wrapped:
                best = (0.3, f"{where} {domain} wraps the protected name '{wrapped}' "
                             f"in a longer one", link)
            if link is not None and fired and self.name not in link.reasons:
                link.reasons.append(self.name)
        if best[0] > 0:
            yield self.finding(best[1], weight=best[0], link=best[2])

    @staticmethod
    def _candidates(evidence: Evidence) -> Iterator[tuple[str, str, Link | None]]:
        message = evidence.message
        if message.sender is not None and message.sender.domain:
            yield "sender domain", message.sender.registrable_domain, None
        for reply in message.reply_to:
            if reply.domain:
                yield "reply-to domain", reply.registrable_domain, None
        seen: set[str] = set()
        for link in evidence.web_links:
            if link.host and link.host not in seen:
                seen.add(link.host)
                yield "link", link.host, link
