"""Words that ask the reader to hand over credentials or money, under pressure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..report import Finding
from .base import Evidence, Signal

# Each family is a list of (pattern, trigger words). Every text a pattern matches contains one
# of its trigger words: a str test (C, memchr speed) that lets most mail skip the family's
# regex. tests/mail/test_fast_paths.py generates matches of every pattern to check this.
# The text is lower-cased once; case-insensitive matching is slower.
_ASK = (
    (r"\b(?:verify|confirm|validate|update|re-?activate|unlock|restore|secure)\s+(?:your\s+|the\s+)?"
     r"(?:e-?mail\s+|mailbox\s+|account\s+)?"
     r"(?:account|password|e-?mail|mailbox|identity|login|credentials|details|information|"
     r"payment|billing)\b",
     "verify confirm validate update activate unlock restore secure"),
    (r"\b(?:sign|log)\s*-?\s*in\b[^.!?\n]{0,60}\b(?:password|username|credentials)\b",
     "password username credentials"),
    (r"\b(?:sign|log)\s*-?\s*in\s+(?:and|to)\s+(?:confirm|verify|keep|view|avoid|accept|unlock)\b",
     "confirm verify keep view avoid accept unlock"),
    (r"\busername\s+and\s+password\b", "username"),
    (r"\benter\s+your\s+(?:e-?mail\s+)?password\b", "password"),
    (r"\b(?:card|bank(?:ing)?)\s+(?:or\s+bank\s+)?details\b", "details"),
)
_PRESSURE = (
    (r"\b(?:account|access|mailbox|password|permit)s?\b[^.!?\n]{0,60}"
     r"\b(?:suspend\w*|deactivat\w*|terminat\w*|locked|disabled|closed|removed|deleted|"
     r"reallocated|expire[sd]?|compromised)\b",
     "suspend deactivat terminat locked disabled closed removed deleted reallocated expire "
     "compromised"),
    (r"\b(?:suspension|deactivation|termination)\b", "suspension deactivation termination"),
    (r"\bwithin\s+\d+\s+(?:hours?|hrs|days?)\b", "within"),
    (r"\b(?:urgent(?:ly)?|immediately|right away)\b", "urgent immediately right"),
    (r"\b(?:unusual|suspicious|unauthori[sz]ed)\s+(?:sign-?in|log-?in|activity|access)\b",
     "unusual suspicious unauthori"),
    (r"\bfailed\s+verification\b", "failed"),
    (r"\brejected\s+automatically\b", "rejected"),
    (r"\bkeep\s+(?:your\s+|my\s+)?access\b", "keep"),
)
_LURE = (
    (r"\btax\s+refund\b", "refund"),
    (r"\brefund\s+of\b", "refund"),
    (r"\bholiday\s+bonus\b", "bonus"),
    (r"\bbonus\s+letter\b", "bonus"),
    (r"\bsalary\s+(?:increase|review|adjustment)\b", "salary"),
    (r"\bencrypted\s+(?:pdf|document|message|file)\b", "encrypted"),
    (r"\bsecure\s+(?:document|message|fax)\b", "secure"),
    (r"\byou\s+have\s+(?:received|been\s+sent)\s+an?\s+[\w -]{0,20}(?:fax|voicemail|document)\b",
     "fax voicemail document"),
    (r"\b(?:shared|sent)\s+(?:a\s+|an\s+)?(?:document|file)\s+with\s+you\b", "document file"),
    (r"\bhas\s+been\s+shared\s+with\s+you\b", "shared"),
)
_QR = (
    (r"\bscan\s+(?:the\s+|this\s+)?(?:attached\s+|enclosed\s+|below\s+)?qr\b", "qr"),
)
_WINDOW = 10_000  # characters of body text searched

FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "ask": _ASK, "pressure": _PRESSURE, "lure": _LURE, "qr": _QR}
_PATTERNS = {name: re.compile("|".join(p for p, _ in parts)) for name, parts in FAMILIES.items()}
_TRIGGERS = {name: tuple(sorted({w for _, words in parts for w in words.split()}))
             for name, parts in FAMILIES.items()}


@lru_cache(maxsize=16)
def _any_of(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern matching wherever one of these families' patterns matches.

    Every alternative starts with ``\\b``; hoisting it in front of one big alternation lets
    the regex engine read the text once instead of once per family.
    """
    alternatives = []
    for name in names:
        for pattern, _ in FAMILIES[name]:
            if not pattern.startswith(r"\b"):
                raise ValueError(f"pattern without a leading \\b: {pattern[:40]}")
            alternatives.append(pattern[2:])
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")")


def first_phrases(text: str) -> dict[str, str]:
    """The first phrase of each family in ``text`` (lower case), families in their fixed order.

    The same result as ``_PATTERNS[family].search(text)`` per family. Families none of whose
    trigger words occur are skipped; for the others one combined pattern stops at every
    position where one of them matches, and each family still missing is tried there.
    """
    candidates = tuple(name for name in FAMILIES
                       if any(word in text for word in _TRIGGERS[name]))
    found: dict[str, str] = {}
    position = 0
    combined = _any_of(candidates) if candidates else None
    while combined is not None and len(found) < len(candidates):
        match = combined.search(text, position)
        if match is None:
            break
        start = match.start()
        for name in candidates:
            if name not in found and (hit := _PATTERNS[name].match(text, start)):
                found[name] = hit.group(0)
        position = start + 1
    return {name: found[name] for name in FAMILIES if name in found}


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
