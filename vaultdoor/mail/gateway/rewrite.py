"""Changing a message on its way through: the unknown-sender banner and click-time links.

Pure Python (no Django): the caller passes `link_for(url) -> str`, which makes the click-time
URL, and `report_url`. Every byte is untrusted: a part that cannot be decoded is left as it is,
and a message that cannot be read at all raises :class:`RewriteError` (the gateway then
quarantines it rather than deliver links it could not protect).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

from ..analysis.mime import parse_bytes

__all__ = ["Rewrite", "RewriteError", "rewrite_html", "rewrite_message", "rewrite_text"]

MAX_PARTS = 500
# Never rewritten: in-page anchors, other protocols a mail client handles itself.
_KEEP_SCHEMES = ("mailto:", "tel:", "cid:", "#", "sms:", "callto:")
_HREF = re.compile(r"""(?i)(\b(?:href|action)\s*=\s*)("([^"]*)"|'([^']*)'|([^\s>"']+))""")
_BODY_TAG = re.compile(r"(?i)<body\b[^>]*>")
_TEXT_URL = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"'`]+""")
_TRAILING = ".,;:!?'\""
HEADER_PREFIX = "X-Vaultdoor-"


@lru_cache(maxsize=4096)
def _parsed_header(policy: EmailPolicy, name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(policy, name, value)


class _RewritePolicy(EmailPolicy):
    """SMTP's policy (CRLF, source headers written back as they came) with header parsing
    memoised: reading Content-Type and friends re-parses them on every access, and that was
    the largest cost of rewriting a message. Parsed headers are immutable; sharing is safe."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        return _parsed_header(self, name, value)


_POLICIES = {
    utf8: _RewritePolicy(linesep="\r\n", refold_source="none", utf8=utf8)
    for utf8 in (False, True)
}


class RewriteError(ValueError):
    """The message could not be read well enough to rewrite it."""


@dataclass(frozen=True)
class Rewrite:
    """A rewritten message and what was changed."""

    data: bytes
    links: int
    banner: bool


def _wanted(url: str) -> bool:
    stripped = url.strip().lower()
    return bool(stripped) and not stripped.startswith(_KEEP_SCHEMES)


def rewrite_html(document: str, link_for: Callable[[str], str],
                 banner_html: str = "") -> tuple[str, int]:
    """`document` with every followable href (and form action) pointing at `link_for(url)`,
    and `banner_html` first in the body; and how many links were rewritten."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        value = next(g for g in match.groups()[2:] if g is not None)
        url = html.unescape(value).strip()
        if not _wanted(url):
            return match.group(0)
        count += 1
        return f'{match.group(1)}"{html.escape(link_for(url), quote=True)}"'

    document = _HREF.sub(replace, document)
    if banner_html:
        body = _BODY_TAG.search(document)
        if body:
            document = document[: body.end()] + banner_html + document[body.end():]
        else:
            document = banner_html + document
    return document, count


def _split_trailing(url: str) -> tuple[str, str]:
    tail = ""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


def rewrite_text(text: str, link_for: Callable[[str], str],
                 banner_text: str = "") -> tuple[str, int]:
    """Plain text with each URL replaced by its click-time URL, banner first."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        url, tail = _split_trailing(match.group(0))
        if not url:
            return match.group(0)
        count += 1
        target = url if "://" in url else f"http://{url}"
        return link_for(target) + tail

    text = _TEXT_URL.sub(replace, text)
    return (banner_text + text if banner_text else text), count


def banner_texts(sender: str, report_url: str) -> tuple[str, str]:
    """The unknown-sender warning as plain text and as HTML (inline styles only)."""
    sender = sender or "this sender"
    text = (f"[EXTERNAL] Nobody here has written to {sender} before. Do not open links or "
            f"attachments you did not expect.")
    if report_url:
        text += f" Report this message: {report_url}"
    text += "\n\n"
    report = (f' <a href="{html.escape(report_url, quote=True)}" style="color:#7a4b00">'
              f"Report this message</a>" if report_url else "")
    markup = (
        '<div data-vaultdoor-banner="external" style="border:2px solid #b36b00;'
        "background:#fff4e0;color:#3d2600;padding:8px 12px;margin:0 0 12px 0;"
        'font:14px/1.4 Arial,sans-serif"><strong>External sender.</strong> Nobody here has '
        f"written to {html.escape(sender)} before. Do not open links or attachments you did "
        f"not expect.{report}</div>"
    )
    return text, markup


def _is_attachment(part: EmailMessage) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or bool(part.get_filename())
    except Exception:  # malformed parameters: treat as an attachment, leave it alone
        return True


def rewrite_message(
    raw: bytes,
    *,
    link_for: Callable[[str], str],
    banner_sender: str | None = None,
    report_url: str = "",
    headers: dict[str, str] | None = None,
    smtputf8: bool = False,
) -> Rewrite:
    """The message with links rewritten in its text and HTML bodies, the banner added when
    `banner_sender` is given, and `headers` (X-Vaultdoor-...) replacing any the sender set."""
    out_policy = _POLICIES[bool(smtputf8)]
    try:
        message = parse_bytes(raw, out_policy)
    except Exception as exc:  # the parser is lenient; anything raised here is hostile input
        raise RewriteError(f"cannot parse the message: {exc}") from exc
    if not isinstance(message, EmailMessage):
        raise RewriteError("not a MIME message")
    banner_text, banner_html = ("", "")
    if banner_sender is not None:
        banner_text, banner_html = banner_texts(banner_sender, report_url)
    links = 0
    bannered = {"plain": False, "html": False}
    parts = 0
    for part in message.walk():
        parts += 1
        if parts > MAX_PARTS:
            raise RewriteError(f"more than {MAX_PARTS} MIME parts")
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if content_type not in ("text/plain", "text/html") or _is_attachment(part):
            continue
        try:
            content = part.get_content()
        except Exception:  # noqa: S112 - unknown charset or broken encoding: leave it as it is
            continue
        if not isinstance(content, str):
            continue
        subtype = part.get_content_subtype()
        if subtype == "html":
            new, count = rewrite_html(content, link_for,
                                      "" if bannered["html"] else banner_html)
            bannered["html"] = True
        else:
            new, count = rewrite_text(content, link_for,
                                      "" if bannered["plain"] else banner_text)
            bannered["plain"] = True
        links += count
        if new == content:
            continue
        disposition = part.get("Content-Disposition")
        # base64: encoded in C (quoted-printable in Python cost more than the rewriting) and
        # safe for any line length the sender used.
        part.set_content(new, subtype=subtype, charset="utf-8", cte="base64")
        if disposition is not None:
            part["Content-Disposition"] = str(disposition)
    for name in {k for k in message if k.lower().startswith(HEADER_PREFIX.lower())}:
        del message[name]
    for name, value in (headers or {}).items():
        message[name] = value
    try:
        data = message.as_bytes(policy=out_policy)
    except Exception as exc:  # headers that cannot be written back out
        raise RewriteError(f"cannot write the message back: {exc}") from exc
    return Rewrite(data=data, links=links, banner=banner_sender is not None)
