"""Write the audit log as JSON lines that `vaultdoor audit verify --file` checks offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
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


def _stored_checkpoints(using: str, final: AuditCheckpoint) -> Iterator[AuditCheckpoint]:
    rows = AuditCheckpoint.objects.using(using).filter(
        seq__gt=0, seq__lte=final.seq, id__lt=final.id
    ).order_by("seq", "id")
    yield from rows.iterator(chunk_size=CHUNK_SIZE)


def export_log(out: IO[str], *, using: str | None = None) -> ExportResult:
    """Sign a checkpoint at the current head, then write every event up to it and the checkpoint.

    Events appended while the export runs come after its checkpoint and are left for the next.
    """
    using = using or router.db_for_read(AuditEvent)
    final = checkpoint(AuditCheckpoint.Reason.EXPORT, using=using)
    out.write(_line("header", {
        "format": EXPORT_FORMAT, "v": 1, "exported_at": format_time(timezone.now()),
        "key_id": final.key_id,
    }))
    rows = AuditEvent.objects.using(using).filter(seq__lte=final.seq).order_by("seq")
    count = 0
    # closing(): a failed write must close the server-side cursors (PostgreSQL) right away.
    with closing(_stored_checkpoints(using, final)) as stored, \
            closing(rows.iterator(chunk_size=CHUNK_SIZE)) as events:
        pending = next(stored, None)
        for row in events:
            event: ChainEvent = row.to_chain_event()
            out.write(_line("event", event.to_dict()))
            count += 1
            while pending is not None and pending.seq <= event.seq:
                if pending.seq == event.seq:
                    out.write(_line("checkpoint", _checkpoint_body(pending)))
                pending = next(stored, None)
    out.write(_line("checkpoint", _checkpoint_body(final)))
    return ExportResult(count=count, head_seq=final.seq, key_id=final.key_id)
