"""The tamper-evident audit log: one hash-chained, append-only table for every security event.

`from vaultdoor.audit import record` is the one way to write it (`record_many` appends a
batch of `AuditEntry` at once, as the same events in a row). This module imports no models
at load time, so any app (and the offline verifier) can import it before Django is ready.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vaultdoor.audit.entries import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.engine.chain import ChainEvent

__all__ = ["AuditEntry", "record", "record_many"]


def record(
    action: str,
    *,
    actor: str = "system",
    target_type: str = "",
    target_id: str = "",
    request: HttpRequest | None = None,
    **context: Any,
) -> AuditEvent:
    """Append one event to the audit chain (see `vaultdoor.audit.recorder.record`)."""
    from vaultdoor.audit.recorder import record as _record

    return _record(
        action, actor=actor, target_type=target_type, target_id=target_id, request=request,
        **context,
    )


def record_many(entries: Iterable[AuditEntry]) -> list[ChainEvent]:
    """Append several events at once, in order (see `vaultdoor.audit.recorder.record_many`)."""
    from vaultdoor.audit.recorder import record_many as _record_many

    return _record_many(entries)
