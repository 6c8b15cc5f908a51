"""Settings for CLI subprocesses started by tests: the server's settings, pointed at the test
database that the test process created (its name is passed in the environment)."""

import os

from vaultdoor.server.settings import *  # noqa: F403
from vaultdoor.server.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["VAULTDOOR_TEST_SUBPROCESS_DB"]
