"""Link text that shows one site while the link goes to another."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..domains import domain_label
from ..report import Finding
from ..urls import embedded_targets, extract_text_urls, url_domain
from .base import Evidence, Signal

MAX_WRAPPER_DEPTH = 4  # click wrappers nested deeper than this are not believed


def final_target(url: str, depth: int = MAX_WRAPPER_DEPTH) -> tuple[str, bool]:
    """The registrable domain a wrapped link ends at, and whether the walk could be finished.

    A wrapper carrying one URL in its query is followed; a wrapper carrying two different
    targets, or nested deeper than ``depth``, is unresolved - it must not excuse a mismatch.
    """
    current = url
    for _ in range(depth + 1):
        targets = {url_domain(t): t for t in embedded_targets(current)}
        if not targets:
            return url_domain(current), True
        if len(targets) > 1:
            return "", False
        current = next(iter(targets.values()))
    return "", False


@lru_cache(maxsize=4096)
def shown_domain(text: str) -> str:
    """The registrable domain a link's visible text names, if it names one.

    Cached: newsletters repeat their anchor texts ("www.shop.example/offers") message after
    message.
    """
    if "." not in text:
        return ""
    urls = extract_text_urls(text, limit=1)
    if not urls:
        return ""
    return url_domain(urls[0])


class AnchorHrefMismatch(Signal):
    """Visible text names one site, the link goes to another (rspamd's phishing check).

    Not a mismatch: a wrapper whose single target is the shown site; the same brand label under
    another public suffix (``example.co.za`` shown, ``example.com`` linked); and the sender's
    own site shown while the link goes through the sender's mailing service (the host of its
    List-Unsubscribe link or its envelope sender), which is how ESP click tracking works.
    """

    name = "anchor_href_mismatch"
    weight = 0.6

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        for link in evidence.web_links:
            if link.source != "href" or not link.text:
                continue
            shown = shown_domain(link.text)
            actual = link.registrable_domain
            if not shown or not actual or shown == actual:
                continue
            if domain_label(shown) == domain_label(actual):
                continue
            if self._esp_tracking(evidence, shown, actual):
                continue
            target, complete = final_target(link.url)  # the costliest test last
            if complete and target == shown:
                continue
            protected = evidence.is_own(shown) or any(
                shown in brand.domains for brand in evidence.context.brands
            )
            detail = f"the text shows {shown} but the link goes to {actual}"
            if not complete:
                detail += " through a wrapper that cannot be resolved"
            elif target and target != actual:
                detail += f" and on to {target}"
            link.reasons.append(self.name)
            yield self.finding(detail, weight=0.75 if protected else self.weight, link=link)

    @staticmethod
    def _esp_tracking(evidence: Evidence, shown: str, actual: str) -> bool:
        message = evidence.message
        if shown != evidence.sender_domain:
            return False
        envelope = message.envelope_from.rpartition("@")[2]
        return actual in message.list_unsubscribe_domains or (
            bool(envelope) and url_domain("http://" + envelope) == actual
        )
