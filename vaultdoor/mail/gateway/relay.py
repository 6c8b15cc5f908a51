"""Handing messages to the next hop over SMTP, telling temporary from permanent failures."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl

from .queue import Entry

__all__ = ["HopUnavailable", "PermanentFailure", "Relay", "TemporaryFailure"]

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The next hop is down or answered 4xx: try again later."""


class HopUnavailable(TemporaryFailure):
    """No usable connection to the next hop (down, or not the TLS asked for): every message
    waits, not just this one."""


class PermanentFailure(Exception):
    """The next hop refused the message for good (5xx): keep it for an operator."""


class Relay:
    """One SMTP connection to the next hop, opened when needed and reused across messages."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0,
                 local_hostname: str = "vaultdoor-gateway", tls: str = "off",
                 tls_context: ssl.SSLContext | None = None) -> None:
        """`tls`: ``off``, ``opportunistic`` or ``verify`` (see :mod:`.tls`), with the
        client `tls_context` for the last two."""
        self.host, self.port, self.timeout = host, port, timeout
        self.local_hostname = local_hostname
        self.tls, self.tls_context = tls, tls_context
        self.encrypted = False  # whether the open connection runs over TLS
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        smtp = self._open()
        self.encrypted = False
        if self.tls != "off" and self.tls_context is not None:
            smtp = self._start_tls(smtp)
        self._smtp = smtp
        return smtp

    def _open(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout,
                                local_hostname=self.local_hostname)
            smtp.ehlo()
        except (smtplib.SMTPException, OSError) as exc:
            raise HopUnavailable(f"next hop {self.host}:{self.port} unreachable: {exc}") from exc
        return smtp

    def _start_tls(self, smtp: smtplib.SMTP) -> smtplib.SMTP:
        where = f"next hop {self.host}:{self.port}"
        if not smtp.has_extn("starttls"):
            if self.tls == "verify":
                self._drop(smtp)
                raise HopUnavailable(f"{where} does not offer STARTTLS (next-hop TLS 'verify')")
            return smtp  # opportunistic: clear text to a hop without TLS
        try:
            smtp.starttls(context=self.tls_context)
            smtp.ehlo()
        except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError is an OSError
            self._drop(smtp)
            if self.tls == "verify":
                raise HopUnavailable(f"{where}: TLS failed: {exc}") from exc
            logger.warning("%s: STARTTLS failed (%s); relaying in clear text", where, exc)
            return self._open()
        self.encrypted = True
        return smtp

    @staticmethod
    def _drop(smtp: smtplib.SMTP) -> None:
        with contextlib.suppress(OSError):
            smtp.close()

    def send(self, entry: Entry) -> None:
        """Deliver one entry; returns once the next hop accepted it for every recipient."""
        smtp = self._connect()
        options: list[str] = []
        if entry.smtputf8:
            if not smtp.has_extn("smtputf8"):
                raise PermanentFailure("the next hop does not support SMTPUTF8")
            options.append("SMTPUTF8")
        if smtp.has_extn("8bitmime") and not entry.data.isascii():
            options.append("BODY=8BITMIME")
        try:
            refused = smtp.sendmail(entry.mail_from, entry.rcpt_tos, entry.data,
                                    mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._raise_for(min(codes), f"recipients refused: {exc.recipients}")
        except smtplib.SMTPResponseException as exc:
            self.close()
            self._raise_for(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}")
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            self.close()
            raise TemporaryFailure(f"relay failed: {exc}") from exc
        if refused:  # one recipient per entry: a partial refusal cannot happen, but be sure
            codes = [code for code, _ in refused.values()]
            self._raise_for(min(codes), f"recipients refused: {refused}")

    @staticmethod
    def _raise_for(code: int, detail: str) -> None:
        if 500 <= code < 600:
            raise PermanentFailure(detail)
        raise TemporaryFailure(detail)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                with contextlib.suppress(OSError):
                    self._smtp.close()
            self._smtp = None
