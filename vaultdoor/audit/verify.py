"""Verify the audit chain in the database: stream every event, check every signed checkpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import router

from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.signing import Checkpoint, key_id
from vaultdoor.engine.chain import GENESIS_HASH, ChainBroken, ChainEvent, verify_chain

__all__ = ["VerifyResult", "checked_anchors", "verify_database"]

CHUNK_SIZE = 2000
PROGRESS_STEP = 1000
_FIELDS = ("seq", "at", "action", "actor", "target_type", "target_id", "context", "prev_hash",
           "hash")


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """A chain that verified: how many events, its head, and the checkpoints that pinned it."""

    count: int
    head_seq: int
    head_hash: str
    checkpoints: int
    last_checkpoint_seq: int

    def summary(self) -> str:
        return f"ok: {self.count} events, head {self.head_hash}"


def checked_anchors(checkpoints: Sequence[Checkpoint],
                    trusted: dict[str, Ed25519PublicKey]) -> dict[int, str]:
    """Check each checkpoint's signature against the trusted keys; return seq -> head hash."""
    anchors: dict[int, str] = {}
    for cp in checkpoints:
        public_key = trusted.get(cp.key_id)
        if public_key is None:
            raise ChainBroken(cp.seq, f"checkpoint signed by unknown key {cp.key_id} "
                                      "(give its public key with --public-key)")
        if not cp.verify(public_key):
            raise ChainBroken(cp.seq, "checkpoint signature bad (checkpoint forged or edited)")
        if cp.seq == 0:
            if cp.head_hash != GENESIS_HASH:
                raise ChainBroken(0, "checkpoint of the empty log names a head hash")
            continue
        if anchors.setdefault(cp.seq, cp.head_hash) != cp.head_hash:
            raise ChainBroken(cp.seq, "two signed checkpoints disagree about this event")
    return anchors


def _events(using: str) -> Iterator[ChainEvent]:
    rows = AuditEvent.objects.using(using).order_by("seq").values_list(*_FIELDS)
    for seq, at, action, actor, target_type, target_id, context, prev_hash, hash_ in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield ChainEvent(seq, at, action, actor, target_type, target_id, context, prev_hash, hash_)


def verify_database(
    *,
    trusted_keys: Sequence[Ed25519PublicKey],
    progress: Callable[[int], None] | None = None,
    using: str | None = None,
) -> VerifyResult:
    """Walk the whole chain in order; raise `ChainBroken` at the first bad sequence number."""
    using = using or router.db_for_read(AuditEvent)
    trusted = {key_id(k): k for k in trusted_keys}
    # Checkpoints first: every one read now covers events that the later scan will see, so a
    # writer appending during verification never looks like a truncated tail.
    checkpoints = [
        Checkpoint(seq=row.seq, head_hash=row.head_hash, at=row.at, key_id=row.key_id,
                   signature=row.signature)
        for row in AuditCheckpoint.objects.using(using).order_by("seq", "id")
    ]
    anchors = checked_anchors(checkpoints, trusted)
    seen = 0

    def tick(_event: ChainEvent) -> None:
        nonlocal seen
        seen += 1
        if progress is not None and seen % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)

    # closing(): a break stops the scan early, and its server-side cursor (PostgreSQL) must be
    # closed now, inside this transaction, not by the garbage collector inside a later one.
    with closing(_events(using)) as events:
        summary = verify_chain(events, anchors=anchors, on_event=tick)
    if progress is not None:
        progress(seen % PROGRESS_STEP)
    last_checkpoint = max((cp.seq for cp in checkpoints), default=0)
    if last_checkpoint > summary.head_seq:
        raise ChainBroken(
            summary.head_seq + 1,
            f"missing (the log ends at seq {summary.head_seq} but a signed checkpoint covers "
            f"seq {last_checkpoint}: tail truncated)",
        )
    return VerifyResult(
        count=summary.count, head_seq=summary.head_seq, head_hash=summary.head_hash,
        checkpoints=len(checkpoints), last_checkpoint_seq=last_checkpoint,
    )
