"""Verify an audit export file offline: no database, no Django, just the file and a public key.

The export is JSON lines: a header, then every event in sequence order; each stored checkpoint
follows the event it signs, and the file ends with the checkpoint signed at export time, so a
file cut short or rewritten fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vaultdoor.audit.signing import Checkpoint, key_id
from vaultdoor.engine.chain import (
    GENESIS_HASH,
    ChainBroken,
    ChainEvent,
    format_time,
    verify_chain,
)

__all__ = ["EXPORT_FORMAT", "ExportFormatError", "ExportSummary", "verify_export"]

EXPORT_FORMAT = "vaultdoor.audit.export"


class ExportFormatError(Exception):
    """A line of an export file is not what the format says; names the line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """An export that verified: its events, head, and the signed checkpoints it carried."""

    count: int
    head_seq: int
    head_hash: str
    checkpoints: int
    key_id: str
    signed_at: str = ""

    def summary(self) -> str:
        # The second line says how fresh the file is: a genuine export cut back to an earlier
        # signed checkpoint still verifies, as the log as it was at that time.
        return (f"ok: {self.count} events, head {self.head_hash}\n"
                f"signed by key {self.key_id} at {self.signed_at} (seq {self.head_seq})")


def _parse(line_no: int, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportFormatError(line_no, f"not JSON ({exc.msg})") from None
    except RecursionError:  # thousands of nested brackets: no export record looks like that
        raise ExportFormatError(line_no, "not an export record (nested too deeply)") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ExportFormatError(line_no, "not an export record (no type)")
    return data


def verify_export(
    lines: Iterable[str],
    public_keys: Sequence[Ed25519PublicKey],
    *,
    progress: Callable[[int], None] | None = None,
) -> ExportSummary:
    """Verify the lines of an export; raise `ChainBroken` or `ExportFormatError` if it fails."""
    trusted = {key_id(k): k for k in public_keys}
    # What the chain walk has accepted so far; checkpoint lines are checked against it.
    last = {"seq": 0, "hash": GENESIS_HASH}
    state: dict[str, Any] = {"checkpoints": 0, "final": None, "key_id": "", "at": ""}

    def accept(event: ChainEvent) -> None:
        last["seq"], last["hash"] = event.seq, event.hash

    def check_checkpoint(line_no: int, data: dict[str, Any]) -> None:
        try:
            cp = Checkpoint.from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ExportFormatError(line_no, f"malformed checkpoint ({exc})") from None
        public_key = trusted.get(cp.key_id)
        if public_key is None:
            raise ChainBroken(cp.seq, f"checkpoint signed by unknown key {cp.key_id} "
                                      "(not the public key given)")
        if not cp.verify(public_key):
            raise ChainBroken(cp.seq, "checkpoint signature bad (checkpoint forged or edited)")
        if cp.seq != last["seq"]:
            # A checkpoint follows the event it signs; a different seq means rows went missing
            # before it or were added after it.
            raise ChainBroken(min(cp.seq, last["seq"]) + 1,
                              f"checkpoint at seq {cp.seq} follows event {last['seq']} "
                              "(rows deleted or inserted)")
        if cp.head_hash != last["hash"]:
            raise ChainBroken(cp.seq, "hash differs from the signed checkpoint (chain rewritten)")
        state["checkpoints"] += 1
        state["final"] = cp.seq
        state["key_id"] = cp.key_id
        state["at"] = format_time(cp.at)

    def events() -> Iterator[ChainEvent]:
        header_seen = False
        for line_no, text in enumerate(lines, start=1):
            if progress is not None:
                progress(len(text))
            if not text.strip():
                continue
            data = _parse(line_no, text)
            kind = data.pop("type")
            if not header_seen:
                if kind != "header" or data.get("format") != EXPORT_FORMAT:
                    raise ExportFormatError(line_no, f"not a vaultdoor audit export ({kind})")
                header_seen = True
                continue
            if kind == "event":
                state["final"] = None
                try:
                    yield ChainEvent.from_dict(data)
                except (KeyError, TypeError, ValueError) as exc:
                    raise ExportFormatError(line_no, f"malformed event ({exc})") from None
            elif kind == "checkpoint":
                check_checkpoint(line_no, data)
            else:
                raise ExportFormatError(line_no, f"unknown record type {kind!r}")
        if not header_seen:
            raise ExportFormatError(1, "empty file: not a vaultdoor audit export")

    summary = verify_chain(events(), on_event=accept)
    if state["final"] != summary.head_seq:
        raise ChainBroken(
            summary.head_seq + 1,
            "missing (the export does not end with a signed checkpoint of its last event: "
            "file truncated)",
        )
    return ExportSummary(
        count=summary.count, head_seq=summary.head_seq, head_hash=summary.head_hash,
        checkpoints=state["checkpoints"], key_id=state["key_id"], signed_at=state["at"],
    )
