"""Access policy, live door state and door events."""

from .changes import SiteChange
from .events import DoorEvent
from .policy import AccessLevel, Holiday, Role, Schedule
from .state import PendingPresentation, PersonLocation

__all__ = [
    "AccessLevel",
    "DoorEvent",
    "Holiday",
    "PendingPresentation",
    "PersonLocation",
    "Role",
    "Schedule",
    "SiteChange",
]
