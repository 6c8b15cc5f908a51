"""Replies that would go somewhere else than the sender."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal


class ReplyToMismatch(Signal):
    """Reply-To on another registrable domain than From: answers go to the attacker.

    Mailing lists set Reply-To to the list, so list mail (List-Id) is exempt.
    """

    name = "reply_to_mismatch"
    weight = 0.3

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        message = evidence.message
        if message.sender is None or not message.sender.domain or message.is_list_mail:
            return
        for reply in message.reply_to:
            domain = reply.registrable_domain
            if domain and domain != message.sender.registrable_domain:
                yield self.finding(
                    f"replies go to {reply.address}, not to the sender's domain "
                    f"{message.sender.registrable_domain}"
                )
                return
