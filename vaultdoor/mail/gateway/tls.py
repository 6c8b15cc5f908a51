"""TLS on the gateway's two SMTP legs.

- From the internet-facing server: with a certificate and key, the listener offers STARTTLS;
  ``require_tls`` refuses MAIL until the client has started it (530).
- To the next hop: ``off`` never starts TLS; ``opportunistic`` (the default) starts it when the
  hop offers STARTTLS, without checking the certificate, and falls back to clear text when the
  handshake fails (what "opportunistic" means: protection from listeners, not from a forger);
  ``verify`` requires STARTTLS with a certificate that chains to the system's CAs or to
  ``next_hop_ca`` and names the hop, and otherwise keeps messages queued and retries.

Contexts come from the standard library's ``ssl`` (OpenSSL); TLS 1.2 is the oldest accepted.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from vaultdoor.mail.mail_settings import NEXT_HOP_TLS

__all__ = ["NEXT_HOP_TLS", "TlsSettingError", "listener_context", "relay_context"]


class TlsSettingError(ValueError):
    """A certificate, key or CA bundle that cannot be used; the message names the setting."""


def listener_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The server-side context for STARTTLS offered to the internet-facing server."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    for setting, path in (("tls_cert", cert), ("tls_key", key)):
        if not Path(path).is_file():
            raise TlsSettingError(f"{setting}: no such file: {path}")
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as exc:  # before OSError, which it is a kind of
        raise TlsSettingError(f"tls_cert/tls_key: not a PEM certificate and its private key "
                              f"({exc.reason or exc})") from exc
    except OSError as exc:
        raise TlsSettingError(f"tls_cert/tls_key: cannot read {exc.filename or cert}: "
                              f"{exc.strerror or exc}") from exc
    return context


def relay_context(mode: str, ca_file: Path | None = None) -> ssl.SSLContext | None:
    """The client-side context for STARTTLS to the next hop (None when `mode` is ``off``;
    `ca_file` is read only for ``verify``)."""
    if mode not in NEXT_HOP_TLS:  # GatewayConfig checked it: a programming error
        raise ValueError(f"unknown next-hop TLS mode {mode!r}")
    if mode == "off":
        return None
    if mode == "verify":
        if ca_file is not None and not Path(ca_file).is_file():
            raise TlsSettingError(f"next_hop_ca: no such file: {ca_file}")
        try:
            context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise TlsSettingError(f"next_hop_ca: not a PEM CA bundle: {ca_file} "
                                  f"({getattr(exc, 'reason', None) or exc})") from exc
    else:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
