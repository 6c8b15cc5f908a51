"""Links through public URL shorteners, which hide where they go."""

from __future__ import annotations

from collections.abc import Iterator

from ..hostlists import is_shortener
from ..report import Finding
from .base import Evidence, Signal


class UrlShortener(Signal):
    """A shortened link (SpamAssassin's shortener list): the reader cannot see the target."""

    name = "url_shortener"
    weight = 0.3

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        found = None
        for host, links in evidence.web_hosts.items():
            if is_shortener(host):
                for link in links:
                    link.reasons.append(self.name)
                found = found or links[0]
        if found is not None:
            yield self.finding(f"{found.host} is a URL shortener that hides the real target",
                               link=found)
