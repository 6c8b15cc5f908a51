"""What operators see of the gateway's queue, and what they may do to it.

How many messages wait where (received and not yet processed; processed and waiting for the
next hop; refused for good), how long the oldest has waited, and the refused ones one by one
with why. A refused message can be put back for the gateway to relay again (after the next
hop's problem is fixed) or deleted; each is audited. The console (Mail > Queue) and
`vaultdoor mail queue` both use these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from vaultdoor.audit import record

from .gateway.queue import FAILED, INCOMING, OUTBOUND, DiskQueue, QueueError

__all__ = ["FailedMessage", "QueueOpError", "QueueStatus", "delete_failed", "failed_messages",
           "queue_status", "retry_failed"]

MAX_LISTED = 500


class QueueOpError(ValueError):
    """The failed message asked for is not there (relayed, retried or deleted meanwhile)."""


def _when(timestamp: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(float(timestamp), tz=dt.UTC) if timestamp else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class QueueStatus:
    """How many messages wait in each part of the queue, and since when the oldest."""

    incoming: int
    outbound: int
    failed: int
    oldest_incoming: dt.datetime | None
    oldest_outbound: dt.datetime | None
    oldest_failed: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {name: (value.isoformat() if isinstance(value, dt.datetime) else value)
                for name, value in self.__dict__.items()}


@dataclass(frozen=True)
class FailedMessage:
    """One message the next hop refused for good (or an entry that could not be read)."""

    id: str
    mail_from: str
    recipients: tuple[str, ...]
    size: int
    received_at: dt.datetime | None
    failed_at: dt.datetime | None
    reason: str
    readable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "mail_from": self.mail_from, "recipients": list(self.recipients),
                "size": self.size, "readable": self.readable, "reason": self.reason,
                "received_at": self.received_at.isoformat() if self.received_at else None,
                "failed_at": self.failed_at.isoformat() if self.failed_at else None}


def queue_status(queue_dir: str | Path) -> QueueStatus:
    queue = DiskQueue(queue_dir)
    depth, oldest = queue.depth(), queue.oldest()
    return QueueStatus(
        incoming=depth[INCOMING], outbound=depth[OUTBOUND], failed=depth[FAILED],
        oldest_incoming=_when(oldest[INCOMING]), oldest_outbound=_when(oldest[OUTBOUND]),
        oldest_failed=_when(oldest[FAILED]),
    )


def failed_messages(queue_dir: str | Path, limit: int = MAX_LISTED) -> list[FailedMessage]:
    """The refused messages, oldest first (at most `limit`)."""
    queue = DiskQueue(queue_dir)
    found: list[FailedMessage] = []
    for path in queue.failed():
        if len(found) >= limit:
            break
        try:
            entry = queue.read(path)
        except QueueError as exc:
            found.append(FailedMessage(id=path.name, mail_from="", recipients=(), size=0,
                                       received_at=None, failed_at=None, reason=str(exc),
                                       readable=False))
            continue
        found.append(FailedMessage(
            id=entry.id if entry.id == path.name else path.name, mail_from=entry.mail_from,
            recipients=tuple(entry.rcpt_tos), size=len(entry.data),
            received_at=_when(entry.received_at), failed_at=_when(entry.extra.get("failed_at")),
            reason=str(entry.extra.get("failed_reason") or "refused by the next hop"),
        ))
    return found


def _failed(queue: DiskQueue, entry_id: str) -> Path:
    try:
        return queue.failed_entry(entry_id)
    except QueueError as exc:
        raise QueueOpError(f"no refused message {entry_id!r} in the queue (relayed, retried "
                           "or deleted meanwhile?)") from exc


def retry_failed(queue_dir: str | Path, entry_id: str, *, actor: str,
                 request: HttpRequest | None = None) -> None:
    """Put a refused message back for the gateway to relay, audited as `mail.queue_retry`
    (the event and the move stand or fall together)."""
    queue = DiskQueue(queue_dir)
    with transaction.atomic():
        _failed(queue, entry_id)
        record("mail.queue_retry", actor=actor, target_type="mail.queue", target_id=entry_id,
               request=request)
        try:
            queue.retry_failed(entry_id)
        except QueueError as exc:  # gone since the check: nothing was moved
            raise QueueOpError(str(exc)) from exc


def delete_failed(queue_dir: str | Path, entry_id: str, *, actor: str, reason: str,
                  request: HttpRequest | None = None) -> None:
    """Delete a refused message for good, audited as `mail.queue_delete` with the reason and
    its envelope (never its content)."""
    reason = " ".join(reason.split())
    if not reason:
        raise QueueOpError("reason: say why the message is deleted")
    queue = DiskQueue(queue_dir)
    with transaction.atomic():
        path = _failed(queue, entry_id)
        try:
            entry = queue.read(path)
            envelope = {"mail_from": entry.mail_from, "recipients": entry.rcpt_tos,
                        "size": len(entry.data)}
        except QueueError:
            envelope = {"unreadable": True}
        record("mail.queue_delete", actor=actor, target_type="mail.queue",
               target_id=entry_id, request=request, reason=reason[:500], **envelope)
        try:
            queue.delete_failed(entry_id)
        except QueueError as exc:
            raise QueueOpError(str(exc)) from exc
