"""Handing messages to the next hop over SMTP, telling temporary from permanent failures."""

from __future__ import annotations

import contextlib
import smtplib
import ssl

from .queue import Entry

__all__ = ["PermanentFailure", "Relay", "TemporaryFailure"]


class TemporaryFailure(Exception):
    """The next hop is down or answered 4xx: try again later."""


class PermanentFailure(Exception):
    """The next hop refused the message for good (5xx): keep it for an operator."""


class Relay:
    """One SMTP connection to the next hop, opened when needed and reused across messages."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0,
                 local_hostname: str = "vaultdoor-gateway") -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout,
                                local_hostname=self.local_hostname)
            smtp.ehlo()
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"next hop {self.host}:{self.port} unreachable: {exc}") from exc
        self._smtp = smtp
        return smtp

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
