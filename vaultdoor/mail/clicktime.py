"""Click-time decisions: is the target risky now, and did a person or a machine fetch it.

The URL is re-checked with the analyser's link signals when it is clicked (a site that turned
bad after delivery is caught), and each fetch is classified: security scanners and link
checkers fetch every link in a message within seconds of delivery, send HEAD requests, name
themselves in the User-Agent, or are browser prefetches. Only a person's click counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from functools import lru_cache
from urllib.parse import urlsplit

from vaultdoor.mail.analysis import ScanContext, Scanner
from vaultdoor.mail.analysis.message import ParsedMessage
from vaultdoor.mail.analysis.signals import Evidence
from vaultdoor.mail.analysis.urls import make_link

__all__ = ["EARLY_SECONDS", "UrlCheck", "check_url", "classify_fetch", "csp_origin"]

# A fetch this soon after delivery, before any person could have read the message, gets a
# confirmation step (a browser with JavaScript passes it at once; a scanner does not).
EARLY_SECONDS = 30.0
SCANNER_AGENTS = re.compile(
    r"(?i)(bot\b|bot/|crawl|spider|slurp|scanner|preview|proofpoint|mimecast|barracuda|"
    r"symantec|messagelabs|fireeye|trendmicro|forcepoint|ironport|safelinks|urldefense|"
    r"sophos|fortinet|checkpoint|zscaler|curl/|wget/|python-requests|python-urllib|aiohttp|"
    r"go-http-client|java/|okhttp|libwww|httpclient|phantomjs|urlscan|virustotal|zgrab|"
    r"masscan|nmap|facebookexternalhit|slackbot|skypeuripreview)"
)
PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")
WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class UrlCheck:
    """What the click-time check found: whether to warn, why, and whether it can be opened."""

    url: str
    host: str
    reasons: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default=())
    openable: bool = True

    @property
    def risky(self) -> bool:
        return bool(self.reasons) or not self.openable


@lru_cache(maxsize=4)
def _scanner(org_domains: tuple[str, ...]) -> Scanner:
    return Scanner(ScanContext.build(org_domains=org_domains))


def check_url(url: str, org_domains: tuple[str, ...] = ()) -> UrlCheck:
    """The analyser's link signals on one URL (never raises)."""
    scanner = _scanner(tuple(org_domains))
    try:
        link = make_link(url, text="", source="html")
    except Exception:  # a URL the analyser cannot read is not opened
        return UrlCheck(url=url, host="", reasons=("unreadable_url",), openable=False)
    parts = urlsplit(url.strip())
    openable = parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
    evidence = Evidence.gather(ParsedMessage(headers=Message(), links=[link]), scanner.context)
    reasons: list[str] = []
    details: list[str] = []
    for signal in scanner.signals:
        try:
            findings = list(signal.check(evidence))
        except Exception:  # noqa: S112 - one broken check must not stop the others
            continue
        for finding in findings:
            if finding.weight > 0 and finding.name not in reasons:
                reasons.append(finding.name)
                details.append(finding.detail)
    if not openable and "dangerous_scheme" not in reasons:
        reasons.append("not_a_web_link")
        details.append("only web links (http and https) can be opened from mail")
    return UrlCheck(url=url, host=(link.host or parts.hostname or "")[:253],
                    reasons=tuple(reasons), details=tuple(details), openable=openable)


def classify_fetch(method: str, headers: dict[str, str] | object, user_agent: str) -> str:
    """`scanner`, `prefetch` or `browser` for one request."""
    if method.upper() == "HEAD":
        return "scanner"
    get = getattr(headers, "get", None)
    if get is not None:
        for name in PREFETCH_HEADERS:
            value = str(get(name, "") or "").lower()
            if "prefetch" in value or "prerender" in value or "preview" in value:
                return "prefetch"
    if not user_agent.strip() or SCANNER_AGENTS.search(user_agent):
        return "scanner"
    return "browser"


_ORIGIN_HOST = re.compile(r"^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$")


def csp_origin(url: str) -> str | None:
    """`scheme://host[:port]` of a web URL as a CSP source, or None if it is not safe to name
    one (the interstitial's form may then redirect there)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    if not _ORIGIN_HOST.match(host):
        return None
    return f"{scheme}://{host}" + (f":{port}" if port else "")
