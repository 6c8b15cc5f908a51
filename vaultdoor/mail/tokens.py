"""Signed tokens of click-time links (`/m/c/<token>`) and one-click reports (`/m/r/<token>`).

Django's signing (HMAC-SHA256 with the server's SECRET_KEY and a purpose salt): the gateway and
the server share the key, nobody else can forge or alter a token, and a token of one kind is
never accepted as the other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from django.core import signing

__all__ = [
    "CampaignToken",
    "ClickToken",
    "ExpiredToken",
    "InvalidToken",
    "ReportToken",
    "campaign_token",
    "click_token",
    "read_campaign_token",
    "read_click_token",
    "read_report_token",
    "report_token",
]

CLICK_SALT = "vaultdoor.mail.click"
REPORT_SALT = "vaultdoor.mail.report"
CAMPAIGN_SALTS = {"open": "vaultdoor.mail.campaign.open",
                  "landing": "vaultdoor.mail.campaign.landing"}
MAX_URL = 8192


@lru_cache(maxsize=8)
def _signer(salt: str, key: str) -> signing.Signer:
    # One signer per purpose and key: building one derives its key, and a message has
    # a hundred links to sign.
    return signing.Signer(key=key, salt=salt)


def _current(salt: str) -> signing.Signer:
    from django.conf import settings

    return _signer(salt, settings.SECRET_KEY)


class InvalidToken(ValueError):
    """A click or report token was forged, altered, truncated or of the wrong kind."""


@dataclass(frozen=True)
class ClickToken:
    """What a click-time URL carries: the delivery, the recipient, the original URL, when it
    was delivered and the message's verdict."""

    ref: str
    recipient: str
    url: str
    delivered_at: float
    verdict: str

    def expired(self, max_age: float, now: float | None = None) -> bool:
        """Whether the link is older than `max_age` seconds (counted from delivery)."""
        return (time.time() if now is None else now) - self.delivered_at > max_age


@dataclass(frozen=True)
class ReportToken:
    """What a one-click report URL carries: the delivery and its recipient."""

    ref: str
    recipient: str


def click_token(ref: str, recipient: str, url: str, *, verdict: str = "clean",
                delivered_at: float | None = None) -> str:
    """A token for `url` in the message `ref` delivered to `recipient`."""
    payload = {"m": ref, "r": recipient, "u": url[:MAX_URL], "v": verdict,
               "t": int(delivered_at if delivered_at is not None else time.time())}
    # Not compressed: URLs are short, and zlib was the largest cost of rewriting a message.
    return _current(CLICK_SALT).sign_object(payload)


def read_click_token(token: str) -> ClickToken:
    """The click token's content; raises :class:`InvalidToken` unless it is genuine."""
    try:
        data = _current(CLICK_SALT).unsign_object(token[:20000])
        return ClickToken(ref=str(data["m"]), recipient=str(data["r"]), url=str(data["u"]),
                          delivered_at=float(data["t"]), verdict=str(data.get("v", "clean")))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidToken("this link is not valid") from exc


def report_token(ref: str, recipient: str) -> str:
    return signing.dumps({"m": ref, "r": recipient}, salt=REPORT_SALT)


class ExpiredToken(InvalidToken):
    """A genuine token older than the links' maximum age."""


def read_report_token(token: str, *, max_age: float | None = None) -> ReportToken:
    """The report token's content; raises :class:`ExpiredToken` when it is genuine but older
    than `max_age` seconds, :class:`InvalidToken` unless it is genuine."""
    try:
        data = signing.loads(token[:4000], salt=REPORT_SALT, max_age=max_age)
        return ReportToken(ref=str(data["m"]), recipient=str(data["r"]))
    except signing.SignatureExpired as exc:
        raise ExpiredToken("this report link has expired") from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidToken("this report link is not valid") from exc


@dataclass(frozen=True)
class CampaignToken:
    """What a campaign's open pixel or landing page URL carries: the campaign and target."""

    campaign_id: int
    target_id: int


def campaign_token(kind: str, campaign_id: int, target_id: int) -> str:
    """A token for a campaign target's open pixel (`open`) or landing page (`landing`); each
    kind has its own salt, so neither is accepted as the other or as a click token."""
    return _current(CAMPAIGN_SALTS[kind]).sign_object({"c": campaign_id, "t": target_id})


def read_campaign_token(kind: str, token: str) -> CampaignToken:
    try:
        data = _current(CAMPAIGN_SALTS[kind]).unsign_object(token[:2000])
        return CampaignToken(campaign_id=int(data["c"]), target_id=int(data["t"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidToken("this link is not valid") from exc
