"""Door controllers, their credentials, snapshots, events and alarms."""

from .alarms import *  # noqa: F403
from .controllers import *  # noqa: F403
from .snapshots import *  # noqa: F403
