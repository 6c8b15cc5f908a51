"""Helpers to write small synthetic messages inside tests."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from vaultdoor.mail.analysis import Report, ScanContext, Scanner

ORG = "lakeside-cs.example"


def build(
    *,
    sender: str = "Owen Pryce <owen@harper-utilities.example>",
    to: str = f"Nadia Farouk <nadia@{ORG}>",
    subject: str = "Call volumes",
    text: str | None = "Numbers for October attached.",
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """An RFC 5322 message as bytes; attachments are (filename, content type, data)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def authres(spf: str = "pass", dkim: str = "pass", dmarc: str = "pass",
            domain: str = "harper-utilities.example", extra: str = "") -> dict[str, str]:
    """An Authentication-Results header from the organisation's own MX."""
    return {
        "Authentication-Results": (
            f"mx.{ORG}; spf={spf} smtp.mailfrom={domain}; dkim={dkim} header.d={domain}; "
            f"dmarc={dmarc} header.from={domain}{extra}"
        )
    }


@pytest.fixture
def scan():
    """Scan bytes with the organisation's domain configured; returns the Report."""

    def run(raw: bytes, **context) -> Report:
        context.setdefault("org_domains", [ORG])
        return Scanner(ScanContext.build(**context)).scan_bytes(raw, file="test.eml")

    return run


def names(report: Report) -> set[str]:
    return {f.name for f in report.signals}
