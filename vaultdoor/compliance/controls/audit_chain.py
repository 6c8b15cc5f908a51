"""Evidence is tamper-evident: the audit chain verifies, and a signed checkpoint is recent."""

from __future__ import annotations

import datetime as dt
from contextlib import closing

from django.db.models import Max
from django.utils import timezone

from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.recorder import signing_key
from vaultdoor.audit.signing import Checkpoint, key_id
from vaultdoor.audit.verify import CHUNK_SIZE, checked_anchors, verify_database
from vaultdoor.engine.chain import ChainBroken, verify_chain
from vaultdoor.facilities.models import Site

from .base import FAIL, PASS, WARN, Control, Evidence, Result

__all__ = ["TamperEvidentLog"]

# Up to this many events the whole chain is verified on every evaluation; beyond it, only the
# events after the last signed checkpoint (whose signature is checked): `vaultdoor audit
# verify` remains the full proof for big logs.
FULL_VERIFY_LIMIT = 20_000  # about half a second (25 µs an event)
CHECKPOINT_MAX_AGE = dt.timedelta(days=7)
STALE_SCORE = 70


class TamperEvidentLog(Control):
    id = "tamper-evident-log"
    title = "Evidence is tamper-evident"
    tip = ("(vaultdoor) Every door, login, vault read and admin change is written once to a "
           "hash-chained log anyone with the export can verify.")

    def evaluate(self, site: Site | None = None) -> Result:
        now = timezone.now()
        head = AuditEvent.objects.aggregate(head=Max("seq"))["head"] or 0
        last = AuditCheckpoint.objects.order_by("-seq", "-id").first()
        trusted = signing_key().public_key()
        try:
            if head <= FULL_VERIFY_LIMIT or last is None:
                verified = verify_database(trusted_keys=[trusted])
                scope, count = "the whole chain", verified.count
            else:
                count = _verify_since(last, trusted)
                scope = f"the events after the signed checkpoint at seq {last.seq}"
        except ChainBroken as exc:
            return Result(FAIL, 0, f"The audit chain does not verify: {exc}.", [
                Evidence("Events in the log", head, "console:audit_list"),
                Evidence("First bad event", exc.seq)])
        age = now - last.at if last is not None else None
        evidence = [
            Evidence("Events in the log", head, "console:audit_list"),
            Evidence("Verified", f"{count} events ({scope})"),
            Evidence("Last signed checkpoint", f"seq {last.seq}, {last.at:%Y-%m-%d %H:%M} UTC"
                     if last is not None else "none"),
            Evidence("Checkpoint due within", f"{CHECKPOINT_MAX_AGE.days} days"),
        ]
        sentence = f"The audit chain verifies ({count} events checked)"
        if last is None:
            return Result(WARN, STALE_SCORE, f"{sentence}, but no signed checkpoint exists "
                          "(run `vaultdoor audit checkpoint`).", evidence)
        if age > CHECKPOINT_MAX_AGE:
            return Result(WARN, STALE_SCORE, f"{sentence}, but the last signed checkpoint is "
                          f"{age.days} days old.", evidence)
        return Result(PASS, 100, f"{sentence}; the last signed checkpoint is "
                      f"{_age(age)} old.", evidence)


def _verify_since(last: AuditCheckpoint, trusted) -> int:
    """Check `last`'s signature, then the chain from it onwards; the number of events checked."""
    checkpoint = Checkpoint(seq=last.seq, head_hash=last.head_hash, at=last.at,
                            key_id=last.key_id, signature=last.signature)
    checked_anchors([checkpoint], {key_id(trusted): trusted})
    rows = AuditEvent.objects.filter(seq__gt=last.seq).order_by("seq")
    with closing(row.to_chain_event() for row in rows.iterator(chunk_size=CHUNK_SIZE)) as events:
        summary = verify_chain(events, start_seq=last.seq + 1, start_hash=last.head_hash)
    return summary.count


def _age(age: dt.timedelta) -> str:
    if age >= dt.timedelta(days=1):
        return f"{age.days} day(s)"
    return f"{age.seconds // 3600} hour(s)"
