"""A mail message read once into the facts every signal needs.

Parsing uses the standard library's ``email`` package (its feed parser, with two hot spots
taken out in ``mime``) with ``policy.default`` and never trusts the input: a header that
cannot be decoded is read as raw text, a part that cannot be decoded is skipped, and only a
file that is not a message at all raises :class:`MessageParseError`.
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.header
import email.utils
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

from ._html import HtmlFindings, scan_html
from .attachments import Attachment, inspect_archive, is_zip_name, sniff_executable
from .domains import registrable_domain
from .mime import parse_bytes
from .urls import Link, extract_text_urls, looks_like_email, make_link

__all__ = ["Address", "MessageParseError", "ParsedMessage", "parse_message"]

MAX_MESSAGE_BYTES = 50 * 1024 * 1024
MAX_PARTS = 500
MAX_NESTING = 20  # multipart and forwarded-message levels followed
MAX_LINKS = 1000
MAX_HEADER_CHARS = 4096  # of one header value, when a check reads it
MAX_TEXT = 1_000_000  # characters of body text kept for wording checks


# The values that take the short cut, by header. Unstructured headers (Subject, List-Id...):
# printable ASCII and folding white space without quotes, backslashes, comments or "*"
# (encoded words, "=?", are tested apart). Structured ones only when well formed, in the
# shapes mail carries nearly always; anything else goes through policy.default as before
# (which raises on some malformed values: those read as absent, as before).
_WS = r"[ \t\r\n]*"
_ATOM = r"[A-Za-z0-9!#$%&'+/=?^_`{|}~-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_MAILBOX = rf"(?:{_ATOM}(?:[ \t\r\n]+{_ATOM})*{_WS}<{_ADDRESS}>|{_ADDRESS})"
_MIME_WORD = r"[A-Za-z0-9!#$%&+.^_`{|}~-]+"  # RFC 2045 token, without "*" and "'" (RFC 2231)
_QUOTED = r'"[ !#-\[\]-~]*"'
_PARAMETERS = rf"(?:{_WS};{_WS}{_MIME_WORD}{_WS}={_WS}(?:{_MIME_WORD}|{_QUOTED}))*{_WS};?{_WS}"
_PLAIN_ADDRESSES = re.compile(rf"{_WS}{_MAILBOX}(?:{_WS},{_WS}{_MAILBOX})*{_WS}")
_PLAIN_VALUES = {
    "content-type": re.compile(rf"{_WS}{_MIME_WORD}/{_MIME_WORD}{_PARAMETERS}"),
    "content-disposition": re.compile(rf"{_WS}{_MIME_WORD}{_PARAMETERS}"),
    "content-transfer-encoding": re.compile(rf"{_WS}{_MIME_WORD}{_WS}"),
    **dict.fromkeys(("from", "to", "cc", "bcc", "reply-to", "sender", "resent-from",
                     "resent-to", "resent-cc", "resent-bcc", "resent-sender"), _PLAIN_ADDRESSES),
    **dict.fromkeys(("date", "orig-date", "resent-date", "message-id", "mime-version"), None),
}
_PLAIN_TEXT = re.compile(r"[\t\r\n !#-'+-\[\]-~]*+")


@lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> Any:
    """The value as policy.default reads it; a plain one as the unfolded str itself."""
    plain = _PLAIN_VALUES.get(name.lower(), _PLAIN_TEXT)
    if plain is not None and "=?" not in value and plain.fullmatch(value):
        return value.replace("\r", "").replace("\n", "")
    try:
        return policy.default.header_fetch_parse(name, value)
    except Exception:  # its structured parsers fail on some malformed values
        # Read as written (unfolded), not as absent: a From header the parser chokes on
        # still shows a name in the reader's mail client, and must still be checked.
        return value.replace("\r", "").replace("\n", "")


class _MemoisedPolicy(EmailPolicy):
    """``policy.default``, with header parsing memoised and skipped where it changes nothing.

    The email package re-parses a header each time it is read, and ``get_content_type()``
    alone reads Content-Type several times per part. Header objects are immutable strings,
    so sharing them is safe; the parse is the same as ``policy.default``'s.

    ``policy.default``'s structured parsers cost 50-250 microseconds per header, and every
    message brings new From, To and Subject values. A plain value (printable ASCII, no
    encoded words, quotes, comments or RFC 2231 parameters) is returned unfolded as a str
    instead: everything here reads headers as text (``getaddresses``, ``get_param``,
    ``get_content_type``), and on plain values that reading is the same
    (tests/mail/test_fast_paths.py compares the two on generated headers).
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        # The structured header parsers are slow on hostile input (thousands of addresses,
        # parameters or encoded words take seconds); nothing a check reads needs more.
        return _parsed_header(name, value[:MAX_HEADER_CHARS])


_POLICY = _MemoisedPolicy()


class MessageParseError(ValueError):
    """The bytes are not an RFC 5322 message the analyser can read."""


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox as written in a header: display name and address."""

    name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower() if "@" in self.address else ""

    @property
    def registrable_domain(self) -> str:
        return registrable_domain(self.domain) if self.domain else ""


@dataclass(slots=True)
class ParsedMessage:
    """What the signals look at. Built by :func:`parse_message`."""

    headers: Message
    sender: Address | None = None  # the From mailbox
    sender_problem: str = ""  # what is wrong with the From header(s), if anything
    reply_to: list[Address] = field(default_factory=list)
    envelope_from: str = ""  # Return-Path
    delivered_to: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    auth_headers: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    html: list[HtmlFindings] = field(default_factory=list)
    text: str = ""  # plain-text bodies and the visible text of HTML bodies
    list_unsubscribe_domains: frozenset[str] = frozenset()
    is_list_mail: bool = False

    def header(self, name: str) -> str:
        return _header_text(self.headers, name)

    @property
    def recipient_domains(self) -> list[str]:
        """Recipient domains, ``Delivered-To`` first and ``To`` only when it is absent."""
        addresses = self.delivered_to or self.to
        domains = []
        for address in addresses:
            host = address.rpartition("@")[2].lower() if "@" in address else ""
            domain = registrable_domain(host) if host else ""
            if domain and domain not in domains:
                domains.append(domain)
        return domains


def _header_text(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header reads as absent, not as a crash
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _all_headers(message: Message, name: str) -> list[str]:
    try:
        values = message.get_all(name) or []
    except Exception:  # header objects that fail to render
        return []
    return [" ".join(str(v).split()) for v in values]


def _addresses(message: Message, name: str) -> list[Address]:
    found: list[Address] = []
    for value in _all_headers(message, name):
        found.extend(_mailboxes(value))
    return found


def _sender(message: Message) -> tuple[Address | None, str]:
    """The From mailbox and what is wrong with the From header ("" when nothing is).

    RFC 5322 asks for exactly one From header. Two of them are a known way to show the reader
    one sender while checks read the other; a From that holds no address the parser can read
    still shows the reader a name. Such a header is read leniently (the text before "<" as
    the name, what follows as the address) so that the name is still checked."""
    values = _all_headers(message, "From")
    if not values:
        return None, "no From header"
    mailboxes = [box for value in values for box in _mailboxes(value)]
    problem = f"{len(values)} From headers" if len(values) > 1 else ""
    local, _, domain = mailboxes[0].address.rpartition("@") if mailboxes else ("", "", "")
    if local and domain:
        return mailboxes[0], problem
    # As written (the parsed value may have dropped the part it could not read).
    written = next((" ".join(str(value).split()) for name, value in message.raw_items()
                    if name.lower() == "from"), values[0])[:MAX_HEADER_CHARS]
    return (_lenient_mailbox(written),
            problem or f"a From header with no readable address ({written[:80]!r})")


def _lenient_mailbox(value: str) -> Address | None:
    """``Name <address>`` read without the grammar: whatever a mail client would show."""
    name, bracket, rest = value.partition("<")
    if not bracket:
        name, rest = "", value
    address = rest.partition(">")[0] if bracket else rest
    if "=?" in name:  # encoded words: the name the reader sees is the decoded one
        with contextlib.suppress(Exception):
            name = str(email.header.make_header(email.header.decode_header(name)))
    name = " ".join(name.replace('"', " ").split())
    address = "".join(address.split()).lower()
    return Address(name, address) if name or address else None


# One mailbox of a value _PLAIN_ADDRESSES matches: display-name atoms and <address>, or an
# address alone.
_PLAIN_MAILBOX = re.compile(rf"({_ATOM}(?:[ \t\r\n]+{_ATOM})*){_WS}<({_ADDRESS})>|({_ADDRESS})")


@lru_cache(maxsize=4096)
def _mailboxes(value: str) -> tuple[Address, ...]:
    """The mailboxes of one header value, as ``getaddresses`` reads them (cached: senders
    and recipients recur; Address is immutable, so sharing is safe).

    ``getaddresses`` costs 40-80 microseconds a header, and every message brings new From
    and To values. A plain list (atoms, then an address in angle brackets, or an address
    alone: what _PLAIN_ADDRESSES matches) is read with one regex instead; the display name is
    its atoms joined by single spaces, as getaddresses joins them
    (tests/mail/test_fast_paths.py compares the two)."""
    if _PLAIN_ADDRESSES.fullmatch(value):
        return tuple(
            Address(" ".join(match.group(1).split()), match.group(2).lower())
            if match.group(2) is not None else Address("", match.group(3).lower())
            for match in _PLAIN_MAILBOX.finditer(value)
        )
    return tuple(
        Address(display.strip(), address.strip().lower())
        for display, address in email.utils.getaddresses([value])
        if address or display
    )


def _decode_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else ""
    except Exception:  # unknown charsets and broken transfer encodings
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload.decode("utf-8", errors="replace")
        return ""


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # payloads that fail to decode
        return b""
    return payload if isinstance(payload, bytes) else b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # RFC 2231 names that fail to decode
        name = ""
    if not name:
        # Some mailers only give the name in Content-Description.
        description = _header_text(part, "Content-Description")
        if "." in description and len(description) < 200 and " " not in description.strip():
            name = description
    return " ".join(name.split())


def _is_attachment(part: Message, filename: str, content_type: str) -> bool:
    disposition = (_header_text(part, "Content-Disposition").split(";")[0]).strip().lower()
    if disposition == "attachment":
        return True
    if filename:
        return True
    return not content_type.startswith(("text/plain", "text/html", "multipart/", "message/"))


def _add_links_from_html(found: HtmlFindings, links: list[Link]) -> None:
    for href, text in found.anchors:
        if "@" in href and looks_like_email(href):
            continue  # quote attributions written without mailto:
        links.append(make_link(href, text=text, source="href"))
    for action in found.forms:
        if action:
            links.append(make_link(action, source="form"))
    for url in found.refresh_urls:
        links.append(make_link(url, source="meta-refresh"))
    for url in extract_text_urls(found.text):
        links.append(make_link(url, text=url, source="text"))


def _check_bytes(raw: bytes) -> None:
    if not raw.strip():
        raise MessageParseError("empty file")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MessageParseError(f"larger than {MAX_MESSAGE_BYTES // (1024 * 1024)} MB")
    head = raw[:4096].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    if b"\x00" in head:
        raise MessageParseError("binary data where headers should be: not a mail message")
    first = raw.lstrip()[:1000].split(b"\n", 1)[0]
    if b":" not in first and not first.startswith(b"From "):
        raise MessageParseError("no header at the start: not an RFC 5322 message")


def parse_message(raw: bytes) -> ParsedMessage:
    """Read a message; raises :class:`MessageParseError` only for input that is not mail."""
    _check_bytes(raw)
    try:
        root: Message = parse_bytes(raw, _POLICY)
    except Exception as exc:  # the email package's own failures
        raise MessageParseError(f"cannot be parsed as MIME ({type(exc).__name__})") from exc
    sender, sender_problem = _sender(root)
    message = ParsedMessage(
        headers=root,
        sender=sender,
        sender_problem=sender_problem,
        reply_to=_addresses(root, "Reply-To"),
        envelope_from=_header_text(root, "Return-Path").strip("<> ").lower(),
        delivered_to=[a.address for a in _addresses(root, "Delivered-To") if a.address],
        to=[a.address for a in _addresses(root, "To") if a.address],
        cc=[a.address for a in _addresses(root, "Cc") if a.address],
        subject=_header_text(root, "Subject"),
        auth_headers=_all_headers(root, "Authentication-Results"),
        is_list_mail=bool(_header_text(root, "List-Id")),
    )
    unsubscribe = set()
    unsubscribe_header = _header_text(root, "List-Unsubscribe").replace("<", " ").replace(">", " ")
    for url in extract_text_urls(unsubscribe_header):
        link = make_link(url)
        if link.registrable_domain:
            unsubscribe.add(link.registrable_domain)
    message.list_unsubscribe_domains = frozenset(unsubscribe)
    _read_parts(root, message)
    return message


def _encoded_inner_message(part: Message) -> Message | None:
    """A message/rfc822 part sent base64 or quoted-printable encoded, decoded and parsed."""
    encoding = _header_text(part, "Content-Transfer-Encoding").lower()
    if encoding not in {"base64", "quoted-printable"}:
        return None
    payload = part.get_payload()
    wrapped = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(wrapped, Message):
        return None
    try:
        text = wrapped.as_string()
        data = (base64.b64decode(text.encode("ascii", "ignore")) if encoding == "base64"
                else quopri.decodestring(text.encode("utf-8", "replace")))
        return parse_bytes(data, _POLICY)
    except Exception:  # an undecodable forward reads as opaque
        return None


def _iter_parts(part: Message, depth: int = 0) -> Iterator[Message]:
    """Every part, depth first, including those of forwarded messages (nested messages)."""
    yield part
    if depth >= MAX_NESTING:
        return
    if part.get_content_type() == "message/rfc822":
        inner = _encoded_inner_message(part)
        if inner is not None:
            yield from _iter_parts(inner, depth + 1)
            return
    if part.is_multipart():
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, Message):
                yield from _iter_parts(sub, depth + 1)


def _read_parts(root: Message, message: ParsedMessage) -> None:
    texts: list[str] = []
    links: list[Link] = []
    for count, part in enumerate(_iter_parts(root)):
        if count >= MAX_PARTS:
            break
        if part.is_multipart():
            continue
        content_type = part.get_content_type().lower()
        filename = _filename(part)
        if part is not root and _is_attachment(part, filename, content_type):
            message.attachments.append(_read_attachment(part, filename, content_type))
            continue
        if content_type == "text/html":
            found = scan_html(_decode_text(part))
            message.html.append(found)
            texts.append(found.all_text)
            _add_links_from_html(found, links)
        elif content_type.startswith("text/") or part is root:
            text = _decode_text(part)
            texts.append(text)
            links.extend(make_link(u, text=u) for u in extract_text_urls(text))
    message.text = "\n".join(texts)[:MAX_TEXT]
    message.links = _dedupe(links)[:MAX_LINKS]


def _read_attachment(part: Message, filename: str, content_type: str) -> Attachment:
    data = _payload_bytes(part)
    attachment = Attachment(filename=filename, content_type=content_type, size=len(data))
    attachment.executable_magic = sniff_executable(data)
    lower = filename.lower()
    if is_zip_name(lower, content_type):
        attachment.archive = True
        attachment.members, attachment.unreadable = inspect_archive(data)
    elif lower.endswith((".rar", ".7z", ".ace", ".cab", ".arj", ".gz", ".tgz", ".bz2", ".xz")):
        attachment.archive = True
        attachment.unreadable = "archive format not inspected"
    if content_type in {"text/html", "image/svg+xml", "application/xhtml+xml"} or lower.endswith(
        (".htm", ".html", ".shtml", ".xhtml", ".svg", ".hta")
    ):
        attachment.html = data[:2_000_000].decode("utf-8", errors="replace")
    elif content_type == "text/plain" and len(data) <= 200_000:
        attachment.text = _decode_text(part)
    return attachment


def _dedupe(links: list[Link]) -> list[Link]:
    """One entry per URL, visible text and source; a URL read from running text only when the
    URL has not come before in any form (the plain-text copy of an HTML link is dropped)."""
    urls: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    kept: list[Link] = []
    for link in links:
        url = link.url
        if link.source == "text":
            if url in urls:
                continue
        else:
            key = (url, link.text, link.source)
            if key in seen:
                continue
            seen.add(key)
        urls.add(url)
        kept.append(link)
    return kept
