"""The one way to write the audit log: `record()` appends an event to the hash chain."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from vaultdoor import config
from vaultdoor.audit.actions import validate_action
from vaultdoor.audit.entries import AuditEntry
from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.redaction import redact
from vaultdoor.audit.signing import SigningKeyError, load_or_create_signing_key, sign_checkpoint
from vaultdoor.engine.chain import GENESIS_HASH, ChainEvent, normalize_json

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "AuditEntry", "checkpoint", "checkpoint_interval", "head", "record", "record_many",
    "signing_key",
]

logger = logging.getLogger(__name__)

# One arbitrary 64-bit number: the PostgreSQL advisory lock that serialises chain appends.
_PG_CHAIN_LOCK = 0x7661756C74646F72  # "vaultdor"
DEFAULT_CHECKPOINT_EVERY = 1000
_USER_AGENT_LIMIT = 512
# Rows per multi-row INSERT of `record_many` (fewer where the driver limits parameters).
_BULK_ROWS = 200
# Columns stored as given: the recorder has already made them plain str/int, as the hash saw them.
_PLAIN_TYPES = frozenset({"BigIntegerField", "IntegerField", "CharField", "TextField"})


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint signing key (configured, or generated into the data directory)."""
    reference = getattr(settings, "VAULTDOOR_AUDIT_SIGNING_KEY", None) or None
    return _cached_key(reference, Path(settings.DATA_DIR))


@lru_cache(maxsize=4)
def _cached_key(reference: str | None, directory: Path) -> Ed25519PrivateKey:
    return load_or_create_signing_key(reference, directory)


def checkpoint_interval() -> int:
    """Make a signed checkpoint every this many events (0 turns automatic checkpoints off)."""
    value = getattr(settings, "VAULTDOOR_AUDIT_CHECKPOINT_EVERY", None)
    if value is None:
        raw = config.env("AUDIT_CHECKPOINT_EVERY")
        try:
            value = int(raw) if raw else DEFAULT_CHECKPOINT_EVERY
        except ValueError as exc:
            raise config.ConfigError(
                f"VAULTDOOR_AUDIT_CHECKPOINT_EVERY: expected a whole number, got {raw!r}"
            ) from exc
        if value < 0:  # a typo must not quietly turn signed checkpoints off
            raise config.ConfigError(
                f"VAULTDOOR_AUDIT_CHECKPOINT_EVERY: expected 0 (off) or more, got {raw!r}")
    return max(0, int(value))


def _lock_chain(using: str) -> None:
    """Hold the chain's write lock until the surrounding transaction ends."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])
    # SQLite: settings open every transaction with BEGIN IMMEDIATE, which already holds the
    # database's single write lock; inside a caller's transaction it was taken at its BEGIN.


def head(using: str | None = None) -> tuple[int, str]:
    """The last event's (seq, hash), or (0, genesis) for an empty log."""
    using = using or router.db_for_write(AuditEvent)
    connection = connections[using]
    # Plain SQL on the hot path of every event: the ORM's query building cost more than the query.
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS_HASH)


def _insert(row: AuditEvent, using: str) -> None:
    """INSERT one event row with each field's own database conversion (JSON, datetime)."""
    connection = connections[using]
    fields = AuditEvent._meta.concrete_fields
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values  # noqa: S608
        )
    row._state.adding = False
    row._state.db = using


def _insert_many(rows: list[ChainEvent], using: str) -> None:
    """INSERT events in multi-row statements; only the time and the JSON context need the
    database's own conversion (the other columns are the str/int values that were hashed)."""
    connection = connections[using]
    fields = AuditEvent._meta.concrete_fields
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    convert = [None if f.get_internal_type() in _PLAIN_TYPES else f for f in fields]
    names = [f.attname for f in fields]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params
    size = max(1, min(_BULK_ROWS, limit // len(fields))) if limit else _BULK_ROWS
    last_at: Any = None
    last_db_at: Any = None
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            values: list[Any] = []
            for event in chunk:
                for name, conv in zip(names, convert, strict=True):
                    value = getattr(event, name)
                    if conv is not None:
                        # A batch shares one time: convert it once.
                        if name == "at" and value is last_at:
                            value = last_db_at
                        else:
                            converted = conv.get_db_prep_save(value, connection)
                            if name == "at":
                                last_at, last_db_at = value, converted
                            value = converted
                    values.append(value)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - our own names
                + ", ".join([one] * len(chunk)), values,
            )


def _text(value: object, limit: int) -> str:
    # Cleaned (no NUL, no lone surrogates) and cut to the column, so every database stores
    # exactly the text that was hashed.
    text: str = normalize_json(str(value))
    return text[:limit]


# URL parameters that are capabilities (whoever holds one may act): never kept in the log.
SECRET_URL_PARAMETERS = frozenset({"token", "code", "secret", "key"})


def _logged_path(request: HttpRequest) -> str:
    """The request's path with capability parameters (`/m/c/<token>`) blanked out."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in (match.kwargs.items() if match is not None else ()):
        if name in SECRET_URL_PARAMETERS and isinstance(value, str) and value:
            path = path.replace(value, "[redacted]")
    return path


def _request_context(request: HttpRequest) -> dict[str, Any]:
    meta = request.META
    user = getattr(request, "user", None)
    info: dict[str, Any] = {
        # REMOTE_ADDR only: X-Forwarded-For is whatever the client chose to send.
        "ip": meta.get("REMOTE_ADDR", ""),
        "user_agent": str(meta.get("HTTP_USER_AGENT", ""))[:_USER_AGENT_LIMIT],
        "method": request.method or "",
        "path": _logged_path(request),
    }
    if user is not None and user.is_authenticated:
        info["user"] = user.get_username()
    return info


def checkpoint(reason: str = AuditCheckpoint.Reason.MANUAL, *,
               using: str | None = None) -> AuditCheckpoint:
    """Sign the current head of the chain and store the checkpoint (an empty log: seq 0)."""
    using = using or router.db_for_write(AuditCheckpoint)
    with transaction.atomic(using=using):
        _lock_chain(using)
        seq, head_hash = head(using)
        return _store_checkpoint(seq, head_hash, reason, using)


def _store_checkpoint(seq: int, head_hash: str, reason: str, using: str, *,
                      key: Ed25519PrivateKey | None = None) -> AuditCheckpoint:
    signed = sign_checkpoint(key or signing_key(), seq, head_hash, timezone.now())
    row = AuditCheckpoint(
        seq=signed.seq, head_hash=signed.head_hash, at=signed.at, key_id=signed.key_id,
        signature=signed.signature, reason=reason,
    )
    row.save(using=using)
    return row


def record(
    action: str,
    *,
    actor: str = "system",
    target_type: str = "",
    target_id: str = "",
    request: HttpRequest | None = None,
    **context: Any,
) -> AuditEvent:
    """Append one event to the audit chain, inside the caller's transaction if there is one.

    `action` must be listed in `vaultdoor/audit/actions.py`. Secrets are stripped from the
    context (keys naming PINs, passwords, tokens, keys, one-time codes); with a `request`, its
    client address, user agent and user are added, and the user becomes the actor. Raises
    `UnknownAuditAction` or `TypeError`/`ValueError` for a context that is not JSON.
    """
    validate_action(action)
    if request is not None:
        context["request"] = _request_context(request)
        if actor == "system" and "user" in context["request"]:
            actor = context["request"]["user"]
    clean = normalize_json(redact(context))
    using = router.db_for_write(AuditEvent)
    # No savepoint inside a caller's transaction: if the event cannot be written, the caller's
    # change must not commit without it (and a savepoint costs two more round trips per event).
    with transaction.atomic(using=using, savepoint=False):
        _lock_chain(using)
        last_seq, last_hash = head(using)
        # The time is taken under the lock, so times never run backwards along the chain.
        now = timezone.now().astimezone(dt.UTC)
        event = ChainEvent(
            seq=last_seq + 1, at=now, action=action, actor=_text(actor, 150),
            target_type=_text(target_type, 64), target_id=_text(target_id, 128), context=clean,
            prev_hash=last_hash,
        ).sealed()
        row = AuditEvent(
            seq=event.seq, at=event.at, action=event.action, actor=event.actor,
            target_type=event.target_type, target_id=event.target_id, context=clean,
            prev_hash=event.prev_hash, hash=event.hash,
        )
        _insert(row, using)
        every = checkpoint_interval()
        if every and event.seq % every == 0:
            _automatic_checkpoint(event, using)
    return row


def record_many(entries: Iterable[AuditEntry]) -> list[ChainEvent]:
    """Append several events to the chain at once, in the given order, in the caller's
    transaction if there is one; returns them as sealed chain links (seq and hash filled in).

    The same events as that many `record()` calls in a row (same checks, same redaction, same
    canonical encoding and hashes, automatic checkpoints wherever the interval falls), but
    under one chain lock, one head read and a few multi-row INSERTs: nothing else can append
    between them. All of them share one time, taken under the lock. All or nothing: a bad
    entry raises before anything is written.
    """
    prepared = []
    for entry in entries:
        validate_action(entry.action)
        prepared.append((
            entry.action, _text(entry.actor, 150), _text(entry.target_type, 64),
            _text(entry.target_id, 128), normalize_json(redact(dict(entry.context))),
        ))
    if not prepared:
        return []
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using, savepoint=False):
        _lock_chain(using)
        last_seq, last_hash = head(using)
        now = timezone.now().astimezone(dt.UTC)
        events: list[ChainEvent] = []
        for action, actor, target_type, target_id, context in prepared:
            last_seq += 1
            link = ChainEvent(seq=last_seq, at=now, action=action, actor=actor,
                              target_type=target_type, target_id=target_id, context=context,
                              prev_hash=last_hash)
            last_hash = link.compute_hash()
            events.append(ChainEvent(
                seq=last_seq, at=now, action=action, actor=actor, target_type=target_type,
                target_id=target_id, context=context, prev_hash=link.prev_hash, hash=last_hash,
            ))
        _insert_many(events, using)
        every = checkpoint_interval()
        if every:
            for event in events:
                if event.seq % every == 0:
                    _automatic_checkpoint(event, using)
    return events


def _automatic_checkpoint(event: ChainEvent, using: str) -> None:
    # A broken key file must not stop doors deciding or imports committing: the event is
    # written, the missing checkpoint is logged loudly, and `vaultdoor audit checkpoint` (or
    # the next export) fails with the reason until the key is fixed.
    try:
        key = signing_key()
    except (SigningKeyError, config.ConfigError) as exc:
        logger.error("audit checkpoint at seq %s skipped: %s", event.seq, exc)
        return
    _store_checkpoint(event.seq, event.hash, AuditCheckpoint.Reason.AUTOMATIC, using, key=key)
