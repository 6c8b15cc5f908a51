"""The phishing signals, one module each. ``default_signals()`` is the set a scan runs."""

from __future__ import annotations

from .abused_tld import AbusedTld
from .anchor_mismatch import AnchorHrefMismatch
from .authentication import AuthenticationFailure
from .base import Evidence, Signal
from .credential_form import CredentialForm
from .credential_wording import CredentialHarvestWording
from .dangerous_scheme import DangerousScheme
from .defanged_url import DefangedUrl
from .display_name import DisplayNameImpersonation
from .homograph import Homograph
from .ip_literal import IpLiteralHost
from .login_page_url import LoginPageUrl
from .lookalike import LookalikeDomain
from .malformed_sender import MalformedSender
from .redirector import Redirector
from .reply_to import ReplyToMismatch
from .risky_attachment import RiskyAttachment
from .shortener import UrlShortener
from .unknown_sender import UnknownSender
from .userinfo import UrlUserinfo
from .webserver_sender import WebServerSender

__all__ = [
    "SIGNAL_TYPES",
    "AbusedTld",
    "AnchorHrefMismatch",
    "AuthenticationFailure",
    "CredentialForm",
    "CredentialHarvestWording",
    "DangerousScheme",
    "DefangedUrl",
    "DisplayNameImpersonation",
    "Evidence",
    "Homograph",
    "IpLiteralHost",
    "LoginPageUrl",
    "LookalikeDomain",
    "MalformedSender",
    "Redirector",
    "ReplyToMismatch",
    "RiskyAttachment",
    "Signal",
    "UnknownSender",
    "UrlShortener",
    "UrlUserinfo",
    "WebServerSender",
    "default_signals",
]

# Order is the order findings are reported in: sender first, then links, then content.
SIGNAL_TYPES: tuple[type[Signal], ...] = (
    UnknownSender,
    MalformedSender,
    DisplayNameImpersonation,
    ReplyToMismatch,
    AuthenticationFailure,
    WebServerSender,
    LookalikeDomain,
    AnchorHrefMismatch,
    Homograph,
    UrlUserinfo,
    DangerousScheme,
    DefangedUrl,
    IpLiteralHost,
    UrlShortener,
    Redirector,
    AbusedTld,
    LoginPageUrl,
    CredentialHarvestWording,
    CredentialForm,
    RiskyAttachment,
)


def default_signals() -> tuple[Signal, ...]:
    """One instance of every signal."""
    return tuple(signal_type() for signal_type in SIGNAL_TYPES)
