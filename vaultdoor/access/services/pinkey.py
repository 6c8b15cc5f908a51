"""The server's PIN key: PINs are hashed with it before they reach the database."""

from __future__ import annotations

from functools import lru_cache

from vaultdoor import config
from vaultdoor.engine.pins import PinHasher

__all__ = ["server_pin_hasher"]


@lru_cache(maxsize=1)
def server_pin_hasher() -> PinHasher:
    """The hasher for this server's PINs: `VAULTDOOR_PIN_KEY` (a `file:` reference), else a
    key generated on first use into `<data dir>/secrets/pin-key`.

    Exported site files carry PIN hashes made with this key, so importing them elsewhere needs
    the same key (copy the file and point `VAULTDOOR_PIN_KEY` at it).
    """
    reference = config.env("PIN_KEY")
    if reference:
        key = config.read_secret(reference, variable="PIN_KEY").strip()
    else:
        key = config.secret_file("pin-key")
    try:
        return PinHasher(key)
    except ValueError as exc:  # too short: name the setting, not just the rule
        where = "VAULTDOOR_PIN_KEY" if reference else str(config.data_dir() / "secrets" / "pin-key")
        raise config.ConfigError(f"{where}: {exc}") from None
