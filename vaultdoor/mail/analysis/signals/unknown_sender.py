"""A sender nobody in the organisation has corresponded with."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal


class UnknownSender(Signal):
    """First contact from outside. Adds to other signals, never flags a message by itself:
    a fresh installation with no history must not flag every external message."""

    name = "unknown_sender"
    weight = 0.15
    standalone = False

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        store = evidence.context.correspondence
        sender = evidence.message.sender
        if store is None or sender is None or not sender.address:
            return
        if evidence.is_own(sender.domain):
            return
        recipients = evidence.message.delivered_to or evidence.message.to + evidence.message.cc
        if store.has_corresponded(sender.address, recipients) is False:
            yield self.finding(f"nobody here has corresponded with {sender.address} before")
