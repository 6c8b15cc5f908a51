"""The gateway's settings, read from the command line or the environment."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from vaultdoor.mail.mail_settings import DEFAULT_MAX_SIZE

from .tls import NEXT_HOP_TLS

__all__ = ["GatewayConfig", "parse_hostport"]


def parse_hostport(value: str, *, default_port: int = 25) -> tuple[str, int]:
    """`host:port`, `[v6]:port` or `host` as a (host, port) pair; ValueError if malformed."""
    value = value.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest.removeprefix(":") or str(default_port)
    elif value.count(":") == 1:
        host, port = value.split(":")
    else:
        host, port = value, str(default_port)
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"not a host:port: {value!r}")
    return host, int(port)


@dataclass
class GatewayConfig:
    """Where the gateway listens and relays to, and how it treats what passes through.

    `outbound_networks`: mail whose SMTP client is in these networks and whose sender is in
    an organisation domain counts as outbound and teaches the correspondence graph (mail from
    anywhere else never does, so a forged From cannot make a sender "known").
    """

    queue_dir: Path
    next_hop: tuple[str, int]
    click_base: str = "http://127.0.0.1:8000"
    org_domains: tuple[str, ...] = ()
    report_address: str = ""
    outbound_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    max_size: int = DEFAULT_MAX_SIZE
    max_recipients: int = 100
    retry_base: float = 5.0
    retry_max: float = 600.0
    relay_timeout: float = 30.0
    hostname: str = "vaultdoor-gateway"
    # TLS (see .tls): STARTTLS offered with a certificate and key; required with require_tls.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    require_tls: bool = False
    next_hop_tls: str = "opportunistic"  # off | opportunistic | verify
    next_hop_ca: Path | None = None
    _networks: list = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.queue_dir = Path(self.queue_dir)
        self.click_base = self.click_base.rstrip("/")
        self.report_address = self.report_address.strip().lower()
        try:
            self._networks = [ipaddress.ip_network(n.strip(), strict=False)
                              for n in self.outbound_networks if n.strip()]
        except ValueError as exc:
            raise ValueError(f"outbound_networks: {exc}") from None
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key: give both or neither")
        if self.require_tls and self.tls_cert is None:
            raise ValueError("require_tls: needs tls_cert and tls_key (nothing to start TLS with)")
        if self.next_hop_tls not in NEXT_HOP_TLS:
            raise ValueError(f"next_hop_tls: expected one of {', '.join(NEXT_HOP_TLS)}, "
                             f"got {self.next_hop_tls!r}")
        if self.next_hop_ca is not None and self.next_hop_tls != "verify":
            raise ValueError("next_hop_ca: only used with next_hop_tls 'verify'")

    def is_outbound_peer(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer.split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self._networks)
