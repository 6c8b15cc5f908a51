"""Words that ask the reader to hand over credentials or money, under pressure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal

_ASK = re.compile(
    r"\b(?:verify|confirm|validate|update|re-?activate|unlock|restore|secure)\s+(?:your\s+|the\s+)?"
    r"(?:e-?mail\s+|mailbox\s+|account\s+)?"
    r"(?:account|password|e-?mail|mailbox|identity|login|credentials|details|information|"
    r"payment|billing)\b"
    r"|\b(?:sign|log)\s*-?\s*in\b[^.!?\n]{0,60}\b(?:password|username|credentials)\b"
    r"|\b(?:sign|log)\s*-?\s*in\s+(?:and|to)\s+(?:confirm|verify|keep|view|avoid|accept|unlock)\b"
    r"|\busername\s+and\s+password\b|\benter\s+your\s+(?:e-?mail\s+)?password\b"
    r"|\b(?:card|bank(?:ing)?)\s+(?:or\s+bank\s+)?details\b",
    # The text is lower-cased once; case-insensitive matching is slower.
)
_PRESSURE = re.compile(
    r"\b(?:account|access|mailbox|password|permit)s?\b[^.!?\n]{0,60}"
    r"\b(?:suspend\w*|deactivat\w*|terminat\w*|locked|disabled|closed|removed|deleted|"
    r"reallocated|expire[sd]?|compromised)\b"
    r"|\b(?:suspension|deactivation|termination)\b"
    r"|\bwithin\s+\d+\s+(?:hours?|hrs|days?)\b"
    r"|\b(?:urgent(?:ly)?|immediately|right away)\b"
    r"|\b(?:unusual|suspicious|unauthori[sz]ed)\s+(?:sign-?in|log-?in|activity|access)\b"
    r"|\bfailed\s+verification\b|\brejected\s+automatically\b|\bkeep\s+(?:your\s+|my\s+)?access\b",
    # The text is lower-cased once; case-insensitive matching is slower.
)
_LURE = re.compile(
    r"\btax\s+refund\b|\brefund\s+of\b|\bholiday\s+bonus\b|\bbonus\s+letter\b"
    r"|\bsalary\s+(?:increase|review|adjustment)\b"
    r"|\bencrypted\s+(?:pdf|document|message|file)\b|\bsecure\s+(?:document|message|fax)\b"
    r"|\byou\s+have\s+(?:received|been\s+sent)\s+an?\s+[\w -]{0,20}(?:fax|voicemail|document)\b"
    r"|\b(?:shared|sent)\s+(?:a\s+|an\s+)?(?:document|file)\s+with\s+you\b"
    r"|\bhas\s+been\s+shared\s+with\s+you\b",
    # The text is lower-cased once; case-insensitive matching is slower.
)
_WINDOW = 10_000  # characters of body text searched
_QR = re.compile(r"\bscan\s+(?:the\s+|this\s+)?(?:attached\s+|enclosed\s+|below\s+)?qr\b")
_FAMILIES = (("ask", _ASK), ("pressure", _PRESSURE), ("lure", _LURE), ("qr", _QR))


def _any_family(families: tuple[tuple[str, re.Pattern[str]], ...]) -> re.Pattern[str]:
    """One pattern matching wherever any family's pattern matches.

    Every alternative of every family starts with ``\\b``; hoisting it in front of one big
    alternation lets the regex engine read the text once instead of once per family.
    """
    alternatives = []
    for _, pattern in families:
        for alternative in re.split(r"\|(?=\\b)", pattern.pattern):
            if not alternative.startswith(r"\b"):
                raise ValueError(f"alternative without a leading \\b: {alternative[:40]}")
            re.compile(alternative)  # a top-level alternative: its groups are balanced
            alternatives.append(alternative[2:])
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")")


_ANY_FAMILY = _any_family(_FAMILIES)


def first_phrases(text: str) -> dict[str, str]:
    """The first phrase of each family in ``text`` (lower case), families in their fixed order.

    The same result as ``pattern.search(text)`` per family: the combined pattern stops at
    every position where some family matches, and each family still missing is tried there.
    """
    found: dict[str, str] = {}
    position = 0
    while len(found) < len(_FAMILIES):
        match = _ANY_FAMILY.search(text, position)
        if match is None:
            break
        start = match.start()
        for family, pattern in _FAMILIES:
            if family not in found and (hit := pattern.match(text, start)):
                found[family] = hit.group(0)
        position = start + 1
    return {family: found[family] for family, _ in _FAMILIES if family in found}


class CredentialHarvestWording(Signal):
    """The text asks for a sign-in, a password or card details, with pressure or a lure.

    Four families of phrases: the ask (verify your account, username and password), pressure
    (suspension, a deadline, unusual sign-in), a lure (tax refund, shared or encrypted
    document, bonus letter) and QR codes to scan with a phone (which move the click off the
    protected computer). The ask alone weighs little - password resets are normal - and
    weighs half when an authenticated sender only links to its own site.
    """

    name = "credential_harvest_wording"
    weight = 0.3

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        message = evidence.message
        # Lures sit near the top; a bounded window keeps long newsletters cheap to read.
        text = f"{message.subject}\n{message.text[:_WINDOW]}".lower()
        hits = first_phrases(text)
        if not hits:
            return
        if "ask" in hits:
            weight = {1: 0.3, 2: 0.5}.get(len(hits), 0.6)
            if "qr" in hits:
                weight = max(weight, 0.55)
        else:
            weight = 0.15 if len(hits) == 1 else 0.3
        if evidence.sender_authenticated() and all(
            link.registrable_domain == evidence.sender_domain for link in evidence.web_links
        ):
            weight /= 2
        quoted = "; ".join(f"{family}: '{' '.join(phrase.split())[:60]}'"
                           for family, phrase in hits.items())
        yield Finding(self.name, weight, f"credential-harvest wording ({quoted})",
                      standalone="ask" in hits or len(hits) > 1)
