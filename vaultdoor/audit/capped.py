"""Audit events that an unauthenticated sender can cause, capped per client address.

A refused API token or webhook delivery is worth an audit event, but whoever sends them is
not authenticated and must not be able to flood the chain: `record_capped` records at most
`per_minute` events a minute for one (kind, client address) in this server process, and
logs the rest. The count lives in Django's cache.
"""

from __future__ import annotations

import logging
from typing import Any

from vaultdoor.audit import record

__all__ = ["record_capped"]

logger = logging.getLogger(__name__)


def record_capped(action: str, *, kind: str, per_minute: int, request: Any,
                  with_path: bool = True, **fields: Any) -> bool:
    """Record `action` unless this client address passed `per_minute` events of `kind` in
    the last minute (then log it); True when recorded. `with_path=False` keeps the request's
    path out of the event (when the path carries a token) and records the address only."""
    from django.core.cache import cache

    address = str(request.META.get("REMOTE_ADDR", ""))
    key = f"audit-capped:{kind}:{address}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count <= per_minute:
        if with_path:
            record(action, request=request, **fields)
        else:
            record(action, ip=address, **fields)
        return True
    logger.warning("%s not audited (over %d a minute from %s): %s", action, per_minute,
                   address, fields.get("reason", ""))
    return False
