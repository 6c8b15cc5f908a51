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


_QUANTIFIERS = ("?", "*", "+", "{")
# Every non-word character (``\W``), plus upper-case and non-ASCII letters: a superset, so a
# candidate found after one of those is only a candidate (the family patterns check ``\b``).
# A plain character set: sre scans for it in C and tries the phrases only there, about once
# a word, where ``\b(?:...)`` starts the matcher at every character.
_BEFORE_A_WORD = "[^0-9_a-z]"


def _scan_to(pattern: str, i: int, stop: str) -> int:
    """The index of the first ``stop`` character at nesting depth 0 from ``i`` (or the end),
    stepping over escapes, character classes and parenthesised groups."""
    depth = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1  # a "]" first in a class is a literal
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif depth == 0 and char in stop:
            return i
        elif char == ")":
            depth -= 1
        i += 1
    return len(pattern)


def _top_level(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` outside any group."""
    parts, i = [], 0
    while True:
        j = _scan_to(pattern, i, "|")
        parts.append(pattern[i:j])
        if j == len(pattern):
            return parts
        i = j + 1


def _leading_group_spread(alternative: str) -> list[str]:
    """``(?:a|b)rest`` as ``arest`` and ``brest`` (nested leading groups too): the same
    positions match, and each alternative now starts with what it starts with."""
    if not alternative.startswith("(?:"):
        return [alternative]
    end = _scan_to(alternative, 3, ")")
    if end == len(alternative) or alternative[end + 1 : end + 2] in _QUANTIFIERS:
        return [alternative]  # unbalanced, or an optional or repeated group: left as it is
    rest = alternative[end + 1 :]
    return [spread for branch in _top_level(alternative[3:end])
            for spread in _leading_group_spread(branch + rest)]


def _trie(alternatives: list[str]) -> tuple[str, bool]:
    """One regex matching where any of ``alternatives`` matches, its alternatives grouped by
    their leading letters (``v(?:erify...|alidate...)``), so that sre rejects a word after
    comparing its first letter with a score of others, instead of entering each alternative.
    Also whether every alternative starts with a lower-case ASCII letter."""
    by_letter: dict[str, list[str]] = {}
    others = []
    for alternative in (s for a in alternatives for s in _leading_group_spread(a)):
        first = alternative[:1]
        if "a" <= first <= "z" and alternative[1:2] not in _QUANTIFIERS:
            by_letter.setdefault(first, []).append(alternative[1:])
        else:
            others.append(alternative)
    parts = []
    for letter, rests in by_letter.items():
        parts.append(letter + (rests[0] if len(rests) == 1 else f"(?:{_trie(rests)[0]})"))
    return "|".join(parts + others), not others


def _families_scanner(families: tuple[tuple[str, re.Pattern[str]], ...]) -> re.Pattern[str]:
    """One pattern whose match starts one character before every position where any family
    might match: a word start after a non-word character (see first_phrases).

    Every alternative of every family starts with ``\\b`` and a letter, so a family matches
    only where a word starts (at the text's start, or after a ``\\W`` character).
    """
    alternatives = []
    for _, pattern in families:
        if pattern.flags != re.UNICODE:
            raise ValueError(f"flags on {pattern.pattern[:40]}: the scanner would not use them")
        for alternative in _top_level(pattern.pattern):
            if not alternative.startswith(r"\b"):
                raise ValueError(f"alternative without a leading \\b: {alternative[:40]}")
            re.compile(alternative)  # a whole alternative: its groups are balanced
            alternatives.append(alternative[2:])
    combined, letters_first = _trie(alternatives)
    if not letters_first:
        raise ValueError("an alternative that may start with something else than a letter")
    return re.compile(f"{_BEFORE_A_WORD}(?:{combined})")


# One scanner per set of families still missing, compiled when first needed (about 3 ms
# each); the one for all four at import, which checks every alternative.
_SCANNERS = {_FAMILIES: _families_scanner(_FAMILIES)}


def _scanner(missing: tuple[tuple[str, re.Pattern[str]], ...]) -> re.Pattern[str]:
    scanner = _SCANNERS.get(missing)
    if scanner is None:
        scanner = _SCANNERS[missing] = _families_scanner(missing)
    return scanner


def first_phrases(text: str) -> dict[str, str]:
    """The first phrase of each family in ``text`` (lower case), families in their fixed order.

    The same result as ``pattern.search(text)`` per family: each family still missing is
    tried at the text's start and at every position where the scanner of the missing
    families finds that one of them might match, in order.
    """
    found: dict[str, str] = {}
    missing = _FAMILIES
    position = 0
    while True:
        for family, pattern in missing:
            if hit := pattern.match(text, position):
                found[family] = hit.group(0)
        if len(found) + len(missing) > len(_FAMILIES):
            missing = tuple(f for f in missing if f[0] not in found)
            if not missing:
                break
        match = _scanner(missing).search(text, position)
        if match is None:
            break
        position = match.start() + 1
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
