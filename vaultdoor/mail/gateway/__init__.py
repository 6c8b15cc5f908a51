"""The mail gateway: an SMTP relay that queues on disk, scans, banners, rewrites links,
quarantines phishing and relays the rest to the next hop (`vaultdoor mail gateway`).

The SMTP side, the queue, the relay and the rewriting need no Django; `process` (scanning
against the correspondence graph, quarantine, reports) does.
"""

from .config import GatewayConfig, parse_hostport
from .queue import DiskQueue, Entry, QueueError
from .rewrite import RewriteError, rewrite_message
from .server import Gateway

__all__ = ["DiskQueue", "Entry", "Gateway", "GatewayConfig", "QueueError", "RewriteError",
           "parse_hostport", "rewrite_message"]
