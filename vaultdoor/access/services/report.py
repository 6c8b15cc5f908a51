"""What a site import did, per kind of object, in words a security manager reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "ImportReport", "KindCounts"]

# Report order, plural -> singular.
KINDS: dict[str, str] = {
    "floors": "floor",
    "zones": "zone",
    "doors": "door",
    "holidays": "holiday",
    "schedules": "schedule",
    "access levels": "access level",
    "roles": "role",
    "people": "person",
    "cards": "card",
    "PINs": "PIN",
    "biometrics": "biometric",
}
_ACTIONS = ("created", "updated", "reactivated", "deactivated")


@dataclass
class KindCounts:
    """How many objects of one kind an import created, updated, reactivated, deactivated or
    left alone."""

    created: int = 0
    updated: int = 0
    reactivated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.reactivated + self.deactivated


def _phrase(count: int, kind: str) -> str:
    return f"{count} {KINDS[kind] if count == 1 else kind}"


@dataclass
class ImportReport:
    """The outcome of one `import_site`: counts per kind and the list of changed objects."""

    site: str
    site_created: bool = False
    site_updated: bool = False
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in KINDS}
    )
    changes: list[str] = field(default_factory=list)
    revision: int = 0
    audit_seq: int | None = None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything to the site's definition."""
        return self.site_created or self.site_updated or any(
            c.changed for c in self.counts.values()
        )

    def summary(self) -> str:
        """One line: `northgate: created 3 zones, updated 1 door; unchanged 2 floors`."""
        parts = []
        if self.site_created:
            parts.append("created the site")
        elif self.site_updated:
            parts.append("updated the site")
        for action in _ACTIONS:
            items = [
                _phrase(getattr(c, action), kind)
                for kind, c in self.counts.items() if getattr(c, action)
            ]
            if items:
                parts.append(f"{action} {', '.join(items)}")
        if self.dry_run:
            parts = ["would have " + part for part in parts]
        unchanged = [_phrase(c.unchanged, k) for k, c in self.counts.items() if c.unchanged]
        tail = f"unchanged {', '.join(unchanged)}" if unchanged else ""
        if not self.changed:
            return f"{self.site}: no changes" + (f" ({tail})" if tail else "")
        return f"{self.site}: {', '.join(parts)}" + (f"; {tail}" if tail else "")

    def counts_dict(self) -> dict[str, dict[str, int]]:
        """Counts per kind (only non-zero ones), JSON-ready."""
        return {
            kind: {name: value for name, value in vars(c).items() if value}
            for kind, c in self.counts.items() if c.changed or c.unchanged
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "changed": self.changed,
            "site_created": self.site_created,
            "site_updated": self.site_updated,
            "counts": self.counts_dict(),
            "changes": list(self.changes),
            "revision": self.revision,
            "audit_seq": self.audit_seq,
            "dry_run": self.dry_run,
            "summary": self.summary(),
        }
