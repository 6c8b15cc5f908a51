"""A From header that is missing, doubled, or holds no address that can be checked."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal


class MalformedSender(Signal):
    """RFC 5322 asks for exactly one From header with a mailbox in it. Legitimate mail
    software always writes one; a missing, doubled or unparseable From is how a sender
    hides from the checks that read it (rspamd's MISSING_FROM / MULTIPLE_FROM /
    FROM_INVALID, SpamAssassin's MISSING_FROM, carry the same idea). Not enough alone to
    flag a message; it adds to the other signals."""

    name = "malformed_sender"
    weight = 0.3

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        problem = evidence.message.sender_problem
        if problem:
            yield self.finding(problem)
