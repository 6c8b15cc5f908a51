"""Secure channel base keys (SCBK) for OSDP readers, held in files, never in configuration.

Each reader has its own 128-bit SCBK. Configuration names it by a file reference
(`file:/var/lib/vaultdoor/secrets/reader-D-G-ENTRY.scbk`); the file holds the key as 32
hexadecimal digits (a trailing newline is fine). The file must be readable by its owner only, as
an SSH private key must: a key others can read is refused rather than used.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from .base import ReaderError

__all__ = ["SCBK_BYTES", "ReaderKeyError", "generate_scbk_file", "load_scbk"]

SCBK_BYTES = 16


class ReaderKeyError(ReaderError):
    """A reader's secure channel key is missing, malformed or too widely readable."""


def _path_of(reference: str) -> Path:
    if reference.startswith("file://"):
        return Path(reference[len("file://") :]).expanduser()
    if reference.startswith("file:"):
        return Path(reference[len("file:") :]).expanduser()
    raise ReaderKeyError(
        "give the reader's secure channel key as a file reference (file:/path), not a value"
    )


def load_scbk(reference: str) -> bytes:
    """The 16-byte SCBK in the file `reference` names (`file:/path` or `file:///path`)."""
    path = _path_of(reference)
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise ReaderKeyError(f"reader key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReaderKeyError(f"cannot read reader key file {path}: {exc}") from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ReaderKeyError(
            f"reader key file {path} is accessible to group or others; run chmod 600 {path}"
        )
    digits = text.strip()
    try:
        key = bytes.fromhex(digits)
    except ValueError:
        key = b""
    if len(key) != SCBK_BYTES or len(digits) != 2 * SCBK_BYTES:
        raise ReaderKeyError(
            f"reader key file {path} must hold {2 * SCBK_BYTES} hexadecimal digits (a 128-bit key)"
        )
    return key


def generate_scbk_file(path: Path) -> str:
    """Create `path` (0600) with a fresh random SCBK and return its file reference.

    Refuses to overwrite an existing key: a reader paired with the old key would stop working."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ReaderKeyError(f"reader key file {path} already exists; not replacing it") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(SCBK_BYTES) + "\n")
    return f"file:{path}"
