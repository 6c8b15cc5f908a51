"""The events the edge's door side produces, in the one shape the event spool will store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

__all__ = ["ALARMS", "EVENT_KINDS", "EdgeEvent", "spool_recorder"]

# Every kind of event the reader and door layer emits. The spool and the server's audit log
# take them as they are; adding a kind means adding it here (a test keeps the list honest).
EVENT_KINDS = frozenset(
    {
        "access.decision",  # a card (and PIN) was decided: the spec's decision object
        "reader.online",  # the reader answered and its secure channel is up
        "reader.offline",  # the reader stopped answering (cable, power, wrong key)
        "reader.tamper",  # alarm: the reader's tamper switch opened (taken off the wall)
        "reader.tamper_cleared",  # the tamper switch closed again
        "reader.power_failure",  # alarm: the reader reports its power supply failing
        "reader.power_restored",  # its power is back
        "door.opened",  # the door contact opened
        "door.closed",  # the door contact closed
        "door.rex",  # the request-to-exit button was pressed
        "door.held_open",  # alarm: open longer than the door's threshold after a grant or REX
        "door.held_open_cleared",  # the held-open door closed
        "door.forced_open",  # alarm: opened with no grant and no REX
        "door.forced_open_cleared",  # the forced door closed
    }
)
ALARMS = frozenset({"door.held_open", "door.forced_open", "reader.tamper",
                    "reader.power_failure"})


@dataclass(frozen=True, slots=True)
class EdgeEvent:
    """Something that happened at a door or reader, to be spooled and sent to the server."""

    kind: str
    at: datetime
    door: str = ""
    reader: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown edge event kind {self.kind!r}")

    @property
    def is_alarm(self) -> bool:
        return self.kind in ALARMS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what the spool stores and the server receives."""
        return {
            "kind": self.kind,
            "at": self.at.isoformat(),
            "door": self.door,
            "reader": self.reader,
            "detail": dict(self.detail),
        }


class _Appends(Protocol):
    def append(
        self, type: str, *, door: str = "", data: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> object: ...


def spool_recorder(spool: _Appends) -> Callable[[EdgeEvent], None]:
    """A station `record` function that writes each event to the edge's event spool
    (`vaultdoor.edge.spool.Spool.append`), the reader id kept in the event data."""

    def record(event: EdgeEvent) -> None:
        data = dict(event.detail)
        if event.reader:
            data["reader"] = event.reader
        spool.append(event.kind, door=event.door, data=data, at=event.at)

    return record
