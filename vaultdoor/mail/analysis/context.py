"""What the analyser knows about the organisation it protects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .domains import registrable_domain
from .hostlists import Brand, default_brands

__all__ = ["CorrespondenceStore", "MemoryCorrespondence", "ScanContext"]


@runtime_checkable
class CorrespondenceStore(Protocol):
    """Who has written to whom: the gateway learns it from the mail it relays.

    ``has_corresponded`` answers ``True`` (this sender is known to these recipients),
    ``False`` (never seen) or ``None`` (no history to judge by: a fresh installation).
    """

    def has_corresponded(self, sender: str, recipients: Sequence[str]) -> bool | None: ...


@dataclass
class MemoryCorrespondence:
    """A correspondence store in memory, for tests and for ``--known-senders`` files.

    Knows addresses (``owen@harper.example``) and whole domains (``harper.example``).
    """

    known: set[str] = field(default_factory=set)

    def learn(self, sender: str) -> None:
        self.known.add(sender.strip().lower())

    def has_corresponded(self, sender: str, recipients: Sequence[str]) -> bool | None:
        if not self.known:
            return None
        sender = sender.lower()
        domain = sender.rpartition("@")[2]
        return (
            sender in self.known
            or domain in self.known
            or registrable_domain(domain) in self.known
        )


@dataclass(frozen=True)
class ScanContext:
    """Settings for a scan: own domains, protected brands, staff names, correspondence.

    ``org_domains`` empty means "the recipients' domains", per message.
    """

    org_domains: frozenset[str] = frozenset()
    brands: tuple[Brand, ...] = field(default_factory=default_brands)
    staff_names: frozenset[str] = frozenset()
    correspondence: CorrespondenceStore | None = None

    @classmethod
    def build(
        cls,
        *,
        org_domains: Iterable[str] = (),
        brands: tuple[Brand, ...] | None = None,
        staff_names: Iterable[str] = (),
        correspondence: CorrespondenceStore | None = None,
    ) -> ScanContext:
        return cls(
            org_domains=frozenset(
                registrable_domain(d.strip().lower()) for d in org_domains if d.strip()
            ),
            brands=brands if brands is not None else default_brands(),
            staff_names=frozenset(" ".join(n.lower().split()) for n in staff_names if n.strip()),
            correspondence=correspondence,
        )
