"""The plug-in contract: a signal looks at the evidence and returns findings."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from ..authres import AuthResults, trusted_results
from ..context import ScanContext
from ..domains import registrable_domain, same_or_subdomain
from ..message import ParsedMessage
from ..report import Finding
from ..urls import Link

__all__ = ["Evidence", "Signal"]


@dataclass(frozen=True)
class Evidence:
    """A parsed message together with what the organisation knows, as every signal sees it."""

    message: ParsedMessage
    context: ScanContext
    own_domains: frozenset[str]
    auth: AuthResults | None

    @classmethod
    def gather(cls, message: ParsedMessage, context: ScanContext) -> Evidence:
        own = context.org_domains or frozenset(message.recipient_domains)
        return cls(message, context, own, trusted_results(message.auth_headers, own))

    @cached_property
    def sender_domain(self) -> str:
        """Registrable domain of the From address ("" when there is none)."""
        return self.message.sender.registrable_domain if self.message.sender else ""

    @cached_property
    def _own_hosts(self) -> dict[str, bool]:
        return {}  # host or domain -> is_own, per message: signals ask about each link host

    def is_own(self, domain_or_host: str) -> bool:
        """Whether a host or domain belongs to the organisation."""
        known = self._own_hosts.get(domain_or_host)
        if known is None:
            domain = registrable_domain(domain_or_host) if domain_or_host else ""
            known = bool(domain) and any(same_or_subdomain(domain, own)
                                         for own in self.own_domains)
            self._own_hosts[domain_or_host] = known
        return known

    def sender_authenticated(self) -> bool:
        """Whether the receiving MTA vouched for the From domain (DMARC or aligned DKIM pass)."""
        if self.auth is None or not self.sender_domain:
            return False
        for result in self.auth.results:
            if result.result != "pass":
                continue
            if result.method == "dmarc" or (
                result.method == "dkim"
                and registrable_domain(result.domain) == self.sender_domain
            ):
                return True
        return False

    @cached_property
    def web_links(self) -> list[Link]:
        """Links a person can follow to a web site (http, https, and defanged ones)."""
        return [link for link in self.message.links if link.scheme in {"http", "https"}]

    @cached_property
    def web_hosts(self) -> dict[str, list[Link]]:
        """The web links that have a host, by host; hosts and links in the order they come.

        For checks that depend on the host alone: a newsletter's 130 links go to 3 hosts, and
        the first flagged link of the first flagged host is the first flagged link."""
        hosts: dict[str, list[Link]] = {}
        for link in self.web_links:
            if link.host:
                hosts.setdefault(link.host, []).append(link)
        return hosts


class Signal(ABC):
    """One phishing indicator. Subclasses set ``name``, ``weight`` and implement ``check``.

    ``weight`` is the default contribution in [0, 1]; a finding may carry more or less when the
    evidence is stronger or weaker. ``standalone = False`` marks indicators that only add to
    others and never make a message suspicious on their own.
    """

    name: ClassVar[str]
    weight: ClassVar[float]
    standalone: ClassVar[bool] = True

    @abstractmethod
    def check(self, evidence: Evidence) -> Iterable[Finding]:
        """The findings for one message (none when the indicator is absent)."""

    def finding(
        self, detail: str, *, weight: float | None = None, link: Link | None = None
    ) -> Finding:
        return Finding(
            name=self.name,
            weight=self.weight if weight is None else weight,
            detail=detail,
            link=link,
            standalone=self.standalone,
        )
