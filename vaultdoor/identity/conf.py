"""The identity settings: each a Django setting (tests override) falling back to
`VAULTDOOR_*` (docs/configuration.md), read when used and by `vaultdoor check-config`."""

from __future__ import annotations

import re

from django.conf import settings

from vaultdoor import config

__all__ = ["require_second_factor", "webauthn_rp_id"]

# A host name: what a WebAuthn relying-party id is (no scheme, port, path or space).
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")


def webauthn_rp_id() -> str:
    """VAULTDOOR_WEBAUTHN_RP_ID, or "" for the request's host name. A value that is not a
    host name is refused here, naming the variable, rather than by every browser at every
    passkey ceremony."""
    value = (getattr(settings, "VAULTDOOR_WEBAUTHN_RP_ID", "")
             or config.env("WEBAUTHN_RP_ID", "") or "").strip()
    if value and not _HOST_NAME.fullmatch(value):
        raise config.ConfigError(
            f"VAULTDOOR_WEBAUTHN_RP_ID: expected a host name such as vaultdoor.example.com "
            f"(no scheme, port or path), got {value!r}")
    return value


def require_second_factor() -> bool:
    """VAULTDOOR_REQUIRE_SECOND_FACTOR (true unless the operator says otherwise)."""
    configured = getattr(settings, "VAULTDOOR_REQUIRE_SECOND_FACTOR", None)
    if configured is None:
        configured = config.env_bool("REQUIRE_SECOND_FACTOR", True)
    return bool(configured)
