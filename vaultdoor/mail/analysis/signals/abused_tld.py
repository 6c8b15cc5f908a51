"""Links into top-level domains where phishing sites cluster."""

from __future__ import annotations

from collections.abc import Iterator

from ..hostlists import abused_tld_tier
from ..report import Finding
from .base import Evidence, Signal


class AbusedTld(Signal):
    """A link under a TLD from the abuse rankings (``data/abused_tlds.txt``).

    The free Freenom TLDs weigh enough to make a message suspicious; the cheap-TLD tier only
    adds to other signals.
    """

    name = "abused_tld"
    weight = 0.4

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        best = None
        for host, links in evidence.web_hosts.items():
            tier = abused_tld_tier(host)
            if not tier or evidence.is_own(host):
                continue
            for link in links:
                link.reasons.append(self.name)
            if best is None or (tier == "high" and best[0] != "high"):
                best = (tier, links[0])
        if best is not None:
            tier, link = best
            tld = link.host.rsplit(".", 1)[-1]
            if tier == "high":
                yield self.finding(f"{link.host} is under .{tld}, a free TLD used mostly for abuse",
                                   link=link)
            else:
                yield Finding(self.name, 0.15, f"{link.host} is under .{tld}, a TLD with a high "
                                               f"abuse rate", link=link, standalone=False)
