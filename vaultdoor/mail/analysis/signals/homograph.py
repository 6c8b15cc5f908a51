"""Host names written in look-alike characters from several scripts."""

from __future__ import annotations

from collections.abc import Iterator

from ..domains import host_to_unicode, scripts_of
from ..report import Finding
from .base import Evidence, Signal


class Homograph(Signal):
    """A host mixing scripts (a Cyrillic ``\u0435`` in a Latin name), usually hidden as punycode.

    A name wholly in one non-Latin script is ordinary for its language and weighs little.
    """

    name = "homograph"
    weight = 0.6

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        hosts = [(link.host, link) for link in evidence.web_links]
        sender = evidence.message.sender
        if sender is not None and sender.domain:
            hosts.append((sender.domain, None))
        for host, link in hosts:
            if "xn--" not in host and host.isascii():
                continue
            shown = host_to_unicode(host)
            for label in shown.split("."):
                scripts = scripts_of(label)
                if len(scripts) > 1:
                    if link is not None:
                        link.reasons.append(self.name)
                    where = "link host" if link is not None else "sender domain"
                    yield self.finding(
                        f"{where} {host} reads '{shown}' and mixes "
                        f"{' and '.join(sorted(scripts)).lower()} letters",
                        link=link,
                    )
                    return
            if link is not None:
                link.reasons.append("internationalised_host")
