"""Authentication-Results (RFC 8601): which SPF, DKIM, DMARC and ARC verdicts to believe.

Only the receiving organisation's own MTA is trusted. Headers further down the message were
written by other hops and can be forged or stale. When the organisation's MX is known (its
authserv-id is in one of the organisation's domains), only its headers count; otherwise the
topmost header, the one added last and nearest to the recipient, does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .domains import registrable_domain, same_or_subdomain

__all__ = ["AuthResult", "AuthResults", "parse_auth_results", "trusted_results"]

_COMMENT = re.compile(r"\([^()]*\)")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_METHOD = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b([a-z]+\.[a-z0-9_-]+)\s*=\s*([^\s;]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AuthResult:
    """One method's verdict: ``dkim=fail header.d=example.com``."""

    method: str  # spf, dkim, dmarc, arc, auth, ...
    result: str  # pass, fail, softfail, none, neutral, temperror, permerror, policy
    properties: dict[str, str]

    @property
    def domain(self) -> str:
        """The domain the verdict is about, as far as the header says."""
        for key in ("header.from", "header.d", "smtp.mailfrom", "header.i"):
            value = self.properties.get(key, "")
            if value:
                return value.rpartition("@")[2].strip('"').lower()
        return ""


@dataclass(slots=True)
class AuthResults:
    """The verdicts of one Authentication-Results header."""

    authserv_id: str
    results: list[AuthResult] = field(default_factory=list)

    def of(self, method: str) -> list[AuthResult]:
        return [r for r in self.results if r.method == method]


def parse_auth_results(value: str) -> AuthResults:
    """Parse one header value; unparseable pieces are skipped, never fatal."""
    text = _QUOTED.sub('""', " ".join(value.split()))
    for _ in range(3):  # nested comments, innermost first
        text = _COMMENT.sub(" ", text)
    pieces = text.split(";")
    authserv_id = pieces[0].strip().split(" ")[0].lower() if pieces else ""
    parsed = AuthResults(authserv_id=authserv_id)
    for piece in pieces[1:]:
        match = _METHOD.match(piece)
        if not match:
            continue
        properties = {k.lower(): v for k, v in _PROPERTY.findall(piece[match.end() :])}
        parsed.results.append(
            AuthResult(method=match.group(1).lower(), result=match.group(2).lower(),
                       properties=properties)
        )
    return parsed


def trusted_results(headers: list[str], own_domains: frozenset[str]) -> AuthResults | None:
    """The verdicts to believe, per the module docstring; ``None`` when there are none."""
    parsed = [parse_auth_results(h) for h in headers]
    if not parsed:
        return None
    own = [
        p for p in parsed
        if any(same_or_subdomain(p.authserv_id, d) for d in own_domains)
        or registrable_domain(p.authserv_id) in own_domains
    ]
    # The topmost of the own MTA's headers: an MTA that follows RFC 8601 removes older ones
    # carrying its authserv-id, so any further down were smuggled in.
    return own[0] if own else parsed[0]
