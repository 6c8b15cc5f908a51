"""What an edge controller keeps in its data directory, and how it keeps it.

```
<data dir>/edge.json               server URL, controller name, site, doors, server public key
<data dir>/secrets/token           the controller credential (0600)
<data dir>/secrets/pin-key         the key PIN hashes are checked with (0600)
<data dir>/snapshot.json           the last verified state with its signed header
<data dir>/contact.json            when the server was last reached (for the offline grace)
<data dir>/spool.sqlite3           the event spool (spool.py)
<data dir>/doorstate.sqlite3       anti-passback locations, two-person waits (doorstate.py)
<data dir>/edge.sock               the local socket of a running controller (daemon.py)
```

Files are written aside and renamed into place (and synced), so a power cut leaves the old
or the new file, never half of one. The cached snapshot is verified again when it is read: a
file edited on a stolen or tampered controller is refused, not trusted.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .envelope import SignedHeader, SnapshotRefused, public_key_from_text
from .wire import SiteState, WireError

__all__ = ["EdgeConfig", "EdgeStore", "NotEnrolled"]


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
        self.snapshot_path.unlink(missing_ok=True)
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

    def save_snapshot(self, header: SignedHeader, state: SiteState) -> None:
        body = {"header": header.to_dict(), "state": state.to_payload()}
        _write_atomic(self.snapshot_path,
                      json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())

    def load_snapshot(self, key: Ed25519PublicKey, *, controller: str
                      ) -> tuple[SignedHeader, SiteState] | None:
        """The cached state, verified again (signature and fingerprint); None if there is
        none; `SnapshotRefused` if it was altered."""
        try:
            raw = self.snapshot_path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            body = json.loads(raw)
            header = SignedHeader.from_dict(body["header"])
            state = SiteState.from_payload(body["state"])
        except (ValueError, KeyError, TypeError, WireError) as exc:
            raise SnapshotRefused(f"cached snapshot {self.snapshot_path} is unreadable: {exc}"
                                  ) from None
        header.verify(key)
        if header.controller != controller:
            raise SnapshotRefused("cached snapshot belongs to another controller")
        if state.fingerprint() != header.fingerprint:
            raise SnapshotRefused(
                f"cached snapshot {self.snapshot_path} was altered (fingerprint differs from "
                "the signed one)"
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
