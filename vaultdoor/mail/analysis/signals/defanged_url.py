"""Deliberately broken URLs (``hxxp://``, ``example[.]com``) that dodge link scanners."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal


class DefangedUrl(Signal):
    """An obfuscated URL for the reader to repair and visit: link scanners skip it."""

    name = "defanged_url"
    weight = 0.45

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        found = None
        for link in evidence.message.links:
            if link.defanged:
                link.reasons.append(self.name)
                found = found or link
        if found is not None:
            yield self.finding(f"obfuscated link to {found.host or found.url}", link=found)
