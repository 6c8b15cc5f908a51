"""``data:`` and ``javascript:`` links, which carry a page or code instead of an address."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal

_WEIGHTS = {"data": 0.7, "javascript": 0.7, "vbscript": 0.7, "file": 0.4}


class DangerousScheme(Signal):
    """A clickable ``data:`` (an inline page, often a credential form), ``javascript:``,
    ``vbscript:`` or ``file:`` link. Legitimate mail has no reason to send these."""

    name = "dangerous_scheme"
    weight = 0.7

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        best = None
        for link in evidence.message.links:
            weight = _WEIGHTS.get(link.scheme)
            if weight is None or link.source == "text":
                continue
            link.reasons.append(self.name)
            if link.scheme == "data" and "text/html" in link.url[:40].lower():
                weight = 0.8
            if best is None or weight > best[0]:
                best = (weight, link)
        if best is not None:
            weight, link = best
            kind = link.url[:30].split(",")[0]
            yield self.finding(f"a clickable {link.scheme}: link ({kind}...)", weight=weight,
                               link=link)
