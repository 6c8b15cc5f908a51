"""Write the audit log as JSON lines that `vaultdoor audit verify --file` checks offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import router
from django.utils import timezone

from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.offline import EXPORT_FORMAT
from vaultdoor.audit.recorder import checkpoint
from vaultdoor.audit.signing import Checkpoint
from vaultdoor.audit.verify import CHUNK_SIZE
from vaultdoor.engine.chain import ChainEvent, format_time

__all__ = ["ExportResult", "export_log"]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: how many events, and the checkpoint that closes the file."""

    count: int
    head_seq: int
    key_id: str


def _line(kind: str, body: dict[str, Any]) -> str:
    return json.dumps({"type": kind, **body}, ensure_ascii=False, separators=(",", ":")) + "\n"


def _checkpoint_body(row: AuditCheckpoint) -> dict[str, Any]:
    return Checkpoint(
        seq=row.seq, head_hash=row.head_hash, at=row.at, key_id=row.key_id,
        signature=row.signature,
    ).to_dict()


def _stored_checkpoints(using: str, closing: AuditCheckpoint) -> Iterator[AuditCheckpoint]:
    rows = AuditCheckpoint.objects.using(using).filter(
        seq__gt=0, seq__lte=closing.seq, id__lt=closing.id
    ).order_by("seq", "id")
    yield from rows.iterator(chunk_size=CHUNK_SIZE)


def export_log(out: IO[str], *, using: str | None = None) -> ExportResult:
    """Sign a checkpoint at the current head, then write every event up to it and the checkpoint.

    Events appended while the export runs come after its checkpoint and are left for the next.
    """
    using = using or router.db_for_read(AuditEvent)
    closing = checkpoint(AuditCheckpoint.Reason.EXPORT, using=using)
    out.write(_line("header", {
        "format": EXPORT_FORMAT, "v": 1, "exported_at": format_time(timezone.now()),
        "key_id": closing.key_id,
    }))
    stored = _stored_checkpoints(using, closing)
    pending = next(stored, None)
    count = 0
    rows = AuditEvent.objects.using(using).filter(seq__lte=closing.seq).order_by("seq")
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        event: ChainEvent = row.to_chain_event()
        out.write(_line("event", event.to_dict()))
        count += 1
        while pending is not None and pending.seq <= event.seq:
            if pending.seq == event.seq:
                out.write(_line("checkpoint", _checkpoint_body(pending)))
            pending = next(stored, None)
    out.write(_line("checkpoint", _checkpoint_body(closing)))
    return ExportResult(count=count, head_seq=closing.seq, key_id=closing.key_id)
