"""The hash chain under every tamper-evident log: canonical event encoding, hashing, checking.

Pure Python (no Django), shared by the server's audit log and, later, the edge controller's
local event spool. An event's hash is SHA-256(previous hash (32 raw bytes) || canonical encoding
of the event); the first event chains to 32 zero bytes. The canonical encoding is deterministic
JSON: sorted keys, no whitespace, UTF-8, timestamps as ISO 8601 UTC with microseconds.

`verify_chain` walks events in sequence order (streaming: it holds two rows at a time) and
raises `ChainBroken` naming the first bad sequence number and what most likely happened.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes

__all__ = [
    "ENCODING_VERSION",
    "GENESIS_HASH",
    "ChainBroken",
    "ChainEvent",
    "ChainSummary",
    "canonical_json",
    "chain_hash",
    "encode_event",
    "format_time",
    "normalize_json",
    "parse_time",
    "verify_chain",
]

ENCODING_VERSION = 1
GENESIS_HASH = "0" * 64

# Why each kind of break is worded as it is: an operator reads these lines in an incident.
EDITED = "hash mismatch (row edited or reordered)"
DELETED = "missing (row deleted)"
INSERTED = "unexpected (row inserted)"


class ChainBroken(Exception):
    """The chain does not verify; `seq` is the first bad sequence number, `reason` says why."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"audit chain broken at seq {seq}: {reason}")
        self.seq = seq
        self.reason = reason


# --- canonical values ---------------------------------------------------------------------------


def format_time(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds and a `Z`: the one way a time is written in a hash."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> dt.datetime:
    """The inverse of `format_time` (accepts any ISO 8601 time with an offset)."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time without a timezone: {text!r}")
    return value.astimezone(dt.UTC)


def _clean_text(value: str) -> str:
    # NUL and lone surrogates cannot be stored in PostgreSQL jsonb or encoded as UTF-8; replace
    # them before hashing so the stored value and the hashed value are the same.
    if value.isascii() and "\x00" not in value:
        return value
    fixed = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return fixed.replace("\x00", "\ufffd")


def normalize_json(value: Any) -> Any:
    """A JSON value that survives any database round trip unchanged (what gets stored and hashed).

    Strings are cleaned of NUL and lone surrogates; integral floats become ints (PostgreSQL's
    jsonb prints 1e16 as 10000000000000000); tuples and sets become lists; datetimes, dates,
    UUIDs, Decimals and paths become strings. NaN, infinities and other types are refused.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit context cannot hold NaN or infinity")
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {_clean_text(str(k)): normalize_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize_json(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((normalize_json(v) for v in value), key=canonical_json)
    if isinstance(value, dt.datetime):
        return format_time(value) if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID | PurePath):
        return str(value)
    if isinstance(value, Decimal):
        return normalize_json(int(value) if value == value.to_integral_value() else float(value))
    raise TypeError(f"audit context cannot hold a {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Deterministic JSON text of an already normalised value: sorted keys, no whitespace."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


# --- events -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainEvent:
    """One link of the chain: an event with its place (`seq`) and both hashes."""

    seq: int
    at: dt.datetime
    action: str
    actor: str = "system"
    target_type: str = ""
    target_id: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def body(self) -> dict[str, Any]:
        """The hashed fields as a JSON object (the chain hashes exactly this)."""
        return {
            "v": ENCODING_VERSION,
            "seq": self.seq,
            "at": format_time(self.at),
            "action": self.action,
            "actor": self.actor,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "context": self.context,
        }

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, encode_event(self))

    def sealed(self) -> ChainEvent:
        """This event with its `hash` filled in."""
        return replace(self, hash=self.compute_hash())

    def to_dict(self) -> dict[str, Any]:
        """The export form: the hashed body plus both hashes."""
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChainEvent:
        """Read an exported event back; raises ValueError/KeyError/TypeError on a malformed one."""
        if data.get("v") != ENCODING_VERSION:
            raise ValueError(f"unknown event encoding version {data.get('v')!r}")
        # Every field must be one the hash covers (or a hash): anything else would ride along
        # unverified.
        unknown = set(data) - _EXPORT_KEYS
        if unknown:
            raise ValueError(f"unexpected fields {sorted(unknown)}")
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise TypeError("seq must be an integer")
        context = data["context"]
        if not isinstance(context, dict):
            raise TypeError("context must be an object")
        text_fields = ("action", "actor", "target_type", "target_id", "prev_hash", "hash")
        for name in text_fields:
            if not isinstance(data[name], str):
                raise TypeError(f"{name} must be a string")
        return cls(
            seq=seq,
            at=parse_time(data["at"]),
            action=data["action"],
            actor=data["actor"],
            target_type=data["target_type"],
            target_id=data["target_id"],
            context=context,
            prev_hash=data["prev_hash"],
            hash=data["hash"],
        )


_EXPORT_KEYS = frozenset({
    "v", "seq", "at", "action", "actor", "target_type", "target_id", "context", "prev_hash", "hash",
})


def encode_event(event: ChainEvent) -> bytes:
    """The canonical encoding of an event (UTF-8 bytes of deterministic JSON)."""
    return canonical_json(event.body()).encode("utf-8")


def chain_hash(prev_hash: str, encoded: bytes) -> str:
    """SHA-256(previous hash as 32 raw bytes || encoded event), as lowercase hex."""
    try:
        prev = bytes.fromhex(prev_hash)
    except ValueError:
        prev = b""
    if len(prev) != 32:
        # A malformed stored prev_hash must not crash verification; it just cannot match.
        prev = prev_hash.encode("utf-8", "replace")
    digest = hashes.Hash(hashes.SHA256())
    digest.update(prev)
    digest.update(encoded)
    return digest.finalize().hex()


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainSummary:
    """What a successful verification saw: how many events and the head hash."""

    count: int
    head_seq: int
    head_hash: str


def _hash_as(event: ChainEvent, seq: int) -> str:
    return replace(event, seq=seq).compute_hash()


def _diagnose(
    event: ChainEvent, expected: int, prev_hash: str, prevprev_hash: str | None,
    upcoming: ChainEvent | None,
) -> ChainBroken:
    """Name the first bad sequence number and the likeliest cause of a bad row."""
    linked = event.prev_hash == prev_hash
    if linked:
        return ChainBroken(expected, EDITED)
    if prevprev_hash is not None and event.prev_hash == prevprev_hash:
        # This row still points past its predecessor: the predecessor was slipped in.
        return ChainBroken(expected - 1, INSERTED)
    if upcoming is not None and upcoming.hash == event.prev_hash:
        # The row this one chains to comes next: two rows swapped places.
        return ChainBroken(expected, EDITED)
    if event.compute_hash() == event.hash:
        # This row is intact, so what precedes it is not what it was chained to.
        return ChainBroken(expected - 1, EDITED)
    if _hash_as(event, expected + 1) == event.hash:
        # An intact row renumbered down by one: the row before it was deleted.
        return ChainBroken(expected, DELETED)
    return ChainBroken(expected, EDITED)


def verify_chain(
    events: Iterable[ChainEvent],
    *,
    start_seq: int = 1,
    start_hash: str = GENESIS_HASH,
    anchors: Mapping[int, str] | None = None,
    on_event: Callable[[ChainEvent], None] | None = None,
) -> ChainSummary:
    """Check events given in sequence order; return a summary or raise `ChainBroken`.

    `anchors` maps sequence numbers to head hashes that are known good (signed checkpoints): a
    chain rewritten from an edited row onwards still links up, but no longer meets its anchors.
    Anchors beyond the last event are the caller's business (they mean a truncated tail).
    """
    anchors = anchors or {}
    iterator: Iterator[ChainEvent] = iter(events)
    expected = start_seq
    prev_hash, prevprev_hash = start_hash, None
    count = 0
    for event in iterator:
        if event.seq > expected:
            raise ChainBroken(expected, DELETED)
        if event.seq < expected:
            raise ChainBroken(event.seq, INSERTED)
        if event.prev_hash != prev_hash or event.compute_hash() != event.hash:
            raise _diagnose(event, expected, prev_hash, prevprev_hash, next(iterator, None))
        anchor = anchors.get(event.seq)
        if anchor is not None and anchor != event.hash:
            raise ChainBroken(
                event.seq, "hash differs from the signed checkpoint (chain rewritten)"
            )
        if on_event is not None:
            on_event(event)
        prevprev_hash, prev_hash = prev_hash, event.hash
        expected += 1
        count += 1
    return ChainSummary(count=count, head_seq=expected - 1, head_hash=prev_hash)
