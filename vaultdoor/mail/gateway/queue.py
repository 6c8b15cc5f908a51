"""The gateway's on-disk queue: nothing acknowledged is ever lost.

A message is written to `tmp/`, flushed to disk with fsync, renamed into `incoming/` and the
directory fsynced, and only then does the gateway answer `250`. Processing turns an incoming
entry into one outbound entry per recipient (`outbound/<id>.<n>`, names fixed so that doing it
again after a crash overwrites rather than duplicates) and only then removes the incoming one.
An outbound entry is removed only after the next hop accepted it. A permanent refusal moves it
to `failed/` for an operator: kept, never silently dropped.

Each entry is one file: a JSON envelope on the first line, then the message bytes.

The worker handles entries in batches (`DiskQueue.batch()`): every file is still fsynced
before it counts, but a directory is fsynced once per batch instead of once per entry, and
the removal of an incoming entry waits until the outbound entries made from it are durable.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DiskQueue", "Entry", "QueueError"]

INCOMING = "incoming"
OUTBOUND = "outbound"
FAILED = "failed"
TMP = "tmp"
MAX_ENVELOPE = 1024 * 1024


class QueueError(OSError):
    """An entry could not be read back from the queue."""


@dataclass
class Entry:
    """One queued message: its envelope and bytes."""

    id: str
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    smtputf8: bool = False
    received_at: float = field(default_factory=time.time)
    peer: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def envelope(self) -> dict[str, Any]:
        return {"id": self.id, "mail_from": self.mail_from, "rcpt_tos": self.rcpt_tos,
                "smtputf8": self.smtputf8, "received_at": self.received_at, "peer": self.peer,
                "extra": self.extra}


def new_id() -> str:
    """A queue id that sorts by arrival and never repeats."""
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DiskQueue:
    """A directory of queued messages (`incoming/`, `outbound/`, `failed/`, `tmp/`)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        for name in (INCOMING, OUTBOUND, FAILED, TMP):
            (self.root / name).mkdir(parents=True, exist_ok=True, mode=0o700)
        self._batches = threading.local()  # the listener thread never batches

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the directory fsyncs of this thread's writes and removals.

        Inside, a written entry is fsynced and renamed into place as always, but its directory
        is fsynced at the end; removing an incoming entry is deferred to the end, after the
        outbound directory is fsynced, so that its outbound entries are on disk first; other
        removals happen at once (a crashed process never sees them again) and only their
        directory fsync waits. On the way out, even after an error, everything done so far
        is made durable.
        """
        if getattr(self._batches, "dirty", None) is not None:
            yield  # nested: the outer batch finishes
            return
        self._batches.dirty = set()
        self._batches.incoming = []
        try:
            yield
        finally:
            dirty, removals = self._batches.dirty, self._batches.incoming
            self._batches.dirty = self._batches.incoming = None
            for folder in sorted(dirty - {INCOMING}):
                _fsync_dir(self.root / folder)
            for path in removals:
                path.unlink(missing_ok=True)
            if removals or INCOMING in dirty:
                _fsync_dir(self.root / INCOMING)

    def _sync_dir(self, folder: Path) -> None:
        dirty = getattr(self._batches, "dirty", None)
        if dirty is None:
            _fsync_dir(folder)
        else:
            dirty.add(folder.name)

    def _write(self, folder: str, entry: Entry) -> Path:
        header = json.dumps(entry.envelope(), ensure_ascii=True).encode() + b"\n"
        tmp = self.root / TMP / f"{entry.id}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(header)
                handle.write(entry.data)
                handle.flush()
                os.fsync(handle.fileno())
            final = self.root / folder / entry.id
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._sync_dir(self.root / folder)
        return final

    def put_incoming(self, entry: Entry) -> Path:
        """Store a received message durably (returns once it is on disk)."""
        return self._write(INCOMING, entry)

    def put_outbound(self, entry: Entry) -> Path:
        """Store a message ready for the next hop durably."""
        return self._write(OUTBOUND, entry)

    @staticmethod
    def read(path: Path) -> Entry:
        """The entry stored at `path`."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise QueueError(f"cannot read queue entry {path.name}: {exc}") from exc
        header, sep, data = raw.partition(b"\n")
        if not sep or len(header) > MAX_ENVELOPE:
            raise QueueError(f"queue entry {path.name} has no envelope line")
        try:
            env = json.loads(header)
            return Entry(id=str(env["id"]), mail_from=str(env["mail_from"]),
                         rcpt_tos=[str(r) for r in env["rcpt_tos"]], data=data,
                         smtputf8=bool(env.get("smtputf8")),
                         received_at=float(env.get("received_at", 0.0)),
                         peer=str(env.get("peer", "")), extra=dict(env.get("extra") or {}))
        except (ValueError, KeyError, TypeError) as exc:
            raise QueueError(f"queue entry {path.name} has a broken envelope: {exc}") from exc

    def _list(self, folder: str) -> Iterator[Path]:
        return iter(sorted(p for p in (self.root / folder).iterdir() if p.is_file()))

    def incoming(self) -> Iterator[Path]:
        return self._list(INCOMING)

    def outbound(self) -> Iterator[Path]:
        return self._list(OUTBOUND)

    def failed(self) -> Iterator[Path]:
        return self._list(FAILED)

    def remove(self, path: Path) -> None:
        """Remove an entry that has been dealt with (and make the removal durable)."""
        removals = getattr(self._batches, "incoming", None)
        if removals is not None and path.parent == self.root / INCOMING:
            removals.append(path)  # after its outbound entries are durable: see batch()
            return
        path.unlink(missing_ok=True)
        self._sync_dir(path.parent)

    def move_to_failed(self, path: Path, reason: str = "") -> Path:
        """Keep an entry for an operator: in `failed/`, with why and when (in its envelope's
        `extra`), durable before the original goes. An unreadable entry moves as it is."""
        try:
            entry = self.read(path)
        except QueueError:
            target = self.root / FAILED / path.name
            os.replace(path, target)
        else:
            entry.extra.update(failed_reason=reason[:500], failed_at=time.time())
            target = self._write_now(FAILED, entry)
            path.unlink(missing_ok=True)
        _fsync_dir(target.parent)
        _fsync_dir(path.parent)
        return target

    def _write_now(self, folder: str, entry: Entry) -> Path:
        """_write, with the directory made durable now even inside a batch (a move must not
        remove the original before the copy is on disk)."""
        final = self._write(folder, entry)
        _fsync_dir(final.parent)
        return final

    def failed_entry(self, entry_id: str) -> Path:
        """The path of failed entry `entry_id`; QueueError if there is none (ids are file
        names made by the gateway: anything with a path separator or dot-dot is refused)."""
        if not entry_id or "/" in entry_id or "\\" in entry_id or entry_id.startswith("."):
            raise QueueError(f"no failed entry {entry_id!r}")
        path = self.root / FAILED / entry_id
        if not path.is_file():
            raise QueueError(f"no failed entry {entry_id!r}")
        return path

    def retry_failed(self, entry_id: str) -> Path:
        """Put a failed entry back in `outbound/`: the worker relays it on its next pass.
        The failure note stays in its envelope until then."""
        path = self.failed_entry(entry_id)
        target = self.root / OUTBOUND / path.name
        os.replace(path, target)
        _fsync_dir(target.parent)
        _fsync_dir(path.parent)
        return target

    def delete_failed(self, entry_id: str) -> Entry | None:
        """Remove a failed entry for good (an operator's decision); what it held, if readable."""
        path = self.failed_entry(entry_id)
        try:
            entry: Entry | None = self.read(path)
        except QueueError:
            entry = None
        path.unlink()
        _fsync_dir(path.parent)
        return entry

    def depth(self) -> dict[str, int]:
        """How many entries wait in each folder."""
        return {name: sum(1 for _ in self._list(name)) for name in (INCOMING, OUTBOUND, FAILED)}

    def oldest(self) -> dict[str, float | None]:
        """When the oldest entry of each folder got there (file time), None when empty."""
        found: dict[str, float | None] = {}
        for name in (INCOMING, OUTBOUND, FAILED):
            times = []
            for path in self._list(name):
                with contextlib.suppress(OSError):  # relayed and removed meanwhile
                    times.append(path.stat().st_mtime)
            found[name] = min(times, default=None)
        return found
