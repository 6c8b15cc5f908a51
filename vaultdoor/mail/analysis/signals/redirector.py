"""Links that bounce through a redirector to a site on another domain."""

from __future__ import annotations

from collections.abc import Iterator

from ..hostlists import is_redirector, is_shortener
from ..report import Finding
from ..urls import query_targets, url_domain
from .base import Evidence, Signal


class Redirector(Signal):
    """A link through a known redirector or click wrapper (rspamd's list), or any link that
    carries another site's URL in its query.

    ESPs and mail-security products wrap every link this way, so this only adds to other
    signals; its real use is to tell the anchor check where a link ends.
    """

    name = "redirector"
    weight = 0.1
    standalone = False

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        found = None
        for link in evidence.web_links:
            if not link.host or is_shortener(link.host):
                continue
            targets: set[str] = set()
            lowered = link.query.lower()
            if "http" in lowered or "www" in lowered:  # query_targets' own first test, inline
                targets = {url_domain(t) for t in query_targets(link.query)}
                targets.discard(link.registrable_domain)
                targets.discard("")
            if targets or is_redirector(link.host):
                link.reasons.append(self.name)
                if found is None:
                    found = (link, sorted(targets))
        if found is not None:
            link, targets = found
            where = f" to {', '.join(targets)}" if targets else ""
            yield self.finding(f"{link.host} redirects{where}", link=link)
