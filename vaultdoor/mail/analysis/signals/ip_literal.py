"""Links to a bare IP address instead of a name."""

from __future__ import annotations

from collections.abc import Iterator

from ..domains import ip_address, is_internal_ip
from ..report import Finding
from .base import Evidence, Signal


class IpLiteralHost(Signal):
    """A link to a public IP address. Weak alone: monitoring mail and old spam do it too.

    Internal addresses (RFC 1918, loopback, link-local) are the organisation's own systems.
    Integer or hex spellings (``http://3405803786/``) exist only to hide the address.
    """

    name = "ip_literal_host"
    weight = 0.25

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        best: Finding | None = None
        for host, links in evidence.web_hosts.items():
            address = ip_address(host)
            if address is None or is_internal_ip(address):
                continue
            for link in links:
                link.reasons.append(self.name)
            if host.strip("[]") != str(address) and ":" not in host:
                finding = self.finding(f"{host} is an obfuscated spelling of {address}",
                                       weight=0.5, link=links[0])
            else:
                finding = self.finding(f"link goes to the bare IP address {address}",
                                       link=links[0])
            if best is None or finding.weight > best.weight:
                best = finding
        if best is not None:
            yield best
