"""`AuditEntry`: one event waiting for `record_many` (no Django, importable anywhere)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AuditEntry"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One event for `record_many`: what `record()` takes, without a request."""

    action: str
    actor: str = "system"
    target_type: str = ""
    target_id: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
