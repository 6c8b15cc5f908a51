"""Door I/O at the edge: the door state machine, the station that wires readers to decisions,
and the events they produce. No Django, no libosdp (that lives in `readers.osdp`)."""

from .clock import Clock, ManualClock, SystemClock
from .door import DoorConfig, DoorMonitor, DoorPosition
from .events import ALARMS, EVENT_KINDS, EdgeEvent, spool_recorder
from .rig import DoorRig
from .station import DecideFn, DoorStation, Feedback, RecordFn, Ticker

__all__ = [
    "ALARMS",
    "EVENT_KINDS",
    "Clock",
    "DecideFn",
    "DoorConfig",
    "DoorMonitor",
    "DoorPosition",
    "DoorRig",
    "DoorStation",
    "EdgeEvent",
    "Feedback",
    "ManualClock",
    "RecordFn",
    "SystemClock",
    "Ticker",
    "spool_recorder",
]
