"""What an edge controller keeps in its data directory, and how it keeps it.

```
<data dir>/edge.json               server URL, controller name, site, doors, server public key
<data dir>/secrets/token           the controller credential (0600)
<data dir>/secrets/pin-key         the key PIN hashes are checked with (0600)
<data dir>/snapshot.sqlite3        the last verified state with its signed header (one row
                                   per entity: a delta rewrites only what it changed)
<data dir>/contact.json            when the server was last reached (for the offline grace)
<data dir>/spool.sqlite3           the event spool (spool.py)
<data dir>/doorstate.sqlite3       anti-passback locations, two-person waits (doorstate.py)
<data dir>/edge.sock               the local socket of a running controller (daemon.py)
```

Files are written aside and renamed into place (and synced), so a power cut leaves the old
or the new file, never half of one; the snapshot cache is one SQLite transaction per update
(`synchronous=FULL`), the same guarantee. The cached snapshot is verified again when it is
read: a file edited on a stolen or tampered controller is refused, not trusted. (Controllers
from before the SQLite cache kept `snapshot.json`; it is still read, and removed once the
new cache is written.)
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .envelope import SignedHeader, SnapshotRefused, public_key_from_text
from .wire import COLLECTIONS, SiteState, WireError

__all__ = ["EdgeConfig", "EdgeStore", "NotEnrolled", "StoreNotWritable"]


_SNAPSHOT_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot_header (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    signed TEXT NOT NULL,
    state_header TEXT NOT NULL,
    fingerprint TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot_entities (
    coll TEXT NOT NULL,
    id TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (coll, id)
) WITHOUT ROWID;
"""


class NotEnrolled(Exception):
    """The data directory holds no enrolment; run `vaultdoor edge enroll` first."""


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    """Who this controller is and whom it trusts (from enrolment)."""

    server: str
    controller: str
    site: str
    doors: tuple[str, ...]
    server_key: str  # base64 raw Ed25519 public key
    server_key_id: str

    def public_key(self) -> Ed25519PublicKey:
        return public_key_from_text(self.server_key)


def _write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class StoreNotWritable(ValueError):
    """The data directory cannot be created or written (checked before enrolling)."""


class EdgeStore:
    """The controller's data directory."""

    def __init__(self, data_dir: Path | str) -> None:
        self.root = Path(data_dir).expanduser().resolve()

    # -- paths --

    @property
    def config_path(self) -> Path:
        return self.root / "edge.json"

    @property
    def snapshot_path(self) -> Path:
        return self.root / "snapshot.sqlite3"

    @property
    def legacy_snapshot_path(self) -> Path:
        return self.root / "snapshot.json"

    @property
    def contact_path(self) -> Path:
        return self.root / "contact.json"

    @property
    def spool_path(self) -> Path:
        return self.root / "spool.sqlite3"

    @property
    def doorstate_path(self) -> Path:
        return self.root / "doorstate.sqlite3"

    @property
    def socket_path(self) -> Path:
        return self.root / "edge.sock"

    def _secret_path(self, name: str) -> Path:
        return self.root / "secrets" / name

    # -- enrolment --

    def prepare(self) -> None:
        """Make sure the enrolment can be kept, before a one-time code is spent on it: the
        folders exist and a file can be written there. Raises `StoreNotWritable`."""
        probe = self.root / "secrets" / f".probe.{os.getpid()}.{secrets.token_hex(4)}"
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            probe.parent.mkdir(exist_ok=True, mode=0o700)
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            probe.unlink()
        except OSError as exc:
            raise StoreNotWritable(
                f"cannot write the controller's data directory {self.root}: "
                f"{exc.strerror or exc}; nothing was sent, the enrolment code is still good"
            ) from None

    def save_enrolment(self, config: EdgeConfig, *, token: str, pin_key: bytes) -> None:
        """Keep what enrolment gave (secrets owner-only); forget any earlier snapshot."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder = self.root / "secrets"
        folder.mkdir(exist_ok=True, mode=0o700)
        _write_atomic(self._secret_path("token"), token.encode())
        _write_atomic(self._secret_path("pin-key"), pin_key)
        try:
            before: EdgeConfig | None = self.config()
        except (NotEnrolled, KeyError, TypeError):
            before = None
        body = {**asdict(config), "doors": list(config.doors)}
        _write_atomic(self.config_path, json.dumps(body, indent=2).encode(), mode=0o644)
        # A new enrolment may be a new server key or controller: start its chain afresh.
        self._forget_snapshot()
        if before is None or (before.controller, before.site) != (config.controller,
                                                                   config.site):
            # Who is where belongs to one controller at one site, not to its successor.
            for suffix in ("", "-wal", "-shm"):
                self.root.joinpath(self.doorstate_path.name + suffix).unlink(missing_ok=True)

    def config(self) -> EdgeConfig:
        try:
            data = json.loads(self.config_path.read_text())
        except FileNotFoundError:
            raise NotEnrolled(
                f"{self.root} holds no enrolment: run `vaultdoor edge enroll --server URL "
                f"--code CODE --data-dir {self.root}` first"
            ) from None
        except (OSError, ValueError) as exc:
            raise NotEnrolled(f"{self.config_path} is unreadable ({exc}); enrol again") from None
        return EdgeConfig(
            server=data["server"], controller=data["controller"], site=data["site"],
            doors=tuple(data["doors"]), server_key=data["server_key"],
            server_key_id=data["server_key_id"],
        )

    def token(self) -> str:
        return self._secret_path("token").read_text().strip()

    def pin_key(self) -> bytes:
        return self._secret_path("pin-key").read_bytes()

    # -- the verified snapshot --

    def _forget_snapshot(self) -> None:
        self.legacy_snapshot_path.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            self.root.joinpath(self.snapshot_path.name + suffix).unlink(missing_ok=True)

    def _open_snapshot(self) -> sqlite3.Connection:
        # Created owner-only before SQLite opens it: its -wal and -shm files take the same
        # mode (the cache holds PIN hashes).
        os.close(os.open(self.snapshot_path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.snapshot_path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SNAPSHOT_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    def save_snapshot(self, header: SignedHeader, state: SiteState, *,
                      base: SignedHeader | None = None) -> None:
        """Keep `state` (verified, under its signed `header`) as the cached snapshot.

        With `base`, the header of the state `state` was made from by a delta: when the cache
        holds exactly that state, only the entities the delta touched are written (a delta at
        100,000 cardholders writes a few rows, not 40 MB). Otherwise everything is written.
        One transaction either way."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        db = self._open_snapshot()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT fingerprint FROM snapshot_header").fetchone()
                touched = state.touched
                if (base is not None and touched is not None and row is not None
                        and row[0] == base.fingerprint):
                    for coll, ids in touched.items():
                        if coll not in COLLECTIONS:
                            continue  # "#header": the header row is written below
                        texts = state.entities.get(coll, {})
                        for key in ids:
                            if key in texts:
                                db.execute(
                                    "INSERT OR REPLACE INTO snapshot_entities (coll, id, text) "
                                    "VALUES (?, ?, ?)", (coll, key, texts[key]))
                            else:
                                db.execute("DELETE FROM snapshot_entities WHERE coll = ? "
                                           "AND id = ?", (coll, key))
                else:
                    db.execute("DELETE FROM snapshot_entities")
                    db.executemany(
                        "INSERT INTO snapshot_entities (coll, id, text) VALUES (?, ?, ?)",
                        ((coll, key, text) for coll in COLLECTIONS
                         for key, text in state.entities.get(coll, {}).items()))
                db.execute("DELETE FROM snapshot_header")
                db.execute(
                    "INSERT INTO snapshot_header (one, signed, state_header, fingerprint) "
                    "VALUES (1, ?, ?, ?)",
                    (json.dumps(header.to_dict()), json.dumps(state.header, ensure_ascii=False),
                     header.fingerprint))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.close()
        self.legacy_snapshot_path.unlink(missing_ok=True)

    def load_snapshot(self, key: Ed25519PublicKey, *, controller: str
                      ) -> tuple[SignedHeader, SiteState] | None:
        """The cached state, verified again (signature and fingerprint); None if there is
        none; `SnapshotRefused` if it was altered."""
        if self.snapshot_path.exists():
            where = self.snapshot_path
            try:
                db = self._open_snapshot()
                try:
                    row = db.execute(
                        "SELECT signed, state_header FROM snapshot_header").fetchone()
                    if row is None:
                        return None
                    entities: dict[str, dict[str, str]] = {coll: {} for coll in COLLECTIONS}
                    for coll, ident, text in db.execute(
                            "SELECT coll, id, text FROM snapshot_entities"):
                        if coll not in entities:
                            raise WireError(f"unknown collection {coll!r}")
                        entities[coll][ident] = text
                finally:
                    db.close()
                header = SignedHeader.from_dict(json.loads(row[0]))
                state = SiteState(header=json.loads(row[1]), entities=entities)
            except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, WireError) as exc:
                raise SnapshotRefused(f"cached snapshot {where} is unreadable: {exc}") from None
        else:
            where = self.legacy_snapshot_path
            try:
                raw = where.read_bytes()
            except FileNotFoundError:
                return None
            try:
                body = json.loads(raw)
                header = SignedHeader.from_dict(body["header"])
                state = SiteState.from_payload(body["state"])
            except (ValueError, KeyError, TypeError, WireError) as exc:
                raise SnapshotRefused(f"cached snapshot {where} is unreadable: {exc}"
                                      ) from None
        header.verify(key)
        if header.controller != controller:
            raise SnapshotRefused("cached snapshot belongs to another controller")
        if state.fingerprint() != header.fingerprint:
            raise SnapshotRefused(
                f"cached snapshot {where} was altered (fingerprint differs from the signed one)"
            )
        return header, state

    # -- last contact with the server --

    def save_contact(self, at: dt.datetime) -> None:
        _write_atomic(self.contact_path, json.dumps({"at": at.isoformat()}).encode(),
                      mode=0o644)

    def load_contact(self) -> dt.datetime | None:
        try:
            data: dict[str, Any] = json.loads(self.contact_path.read_text())
            return dt.datetime.fromisoformat(data["at"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None


def decode_pin_key(text: str) -> bytes:
    """The PIN key as enrolment sends it (base64)."""
    return base64.b64decode(text, validate=True)
