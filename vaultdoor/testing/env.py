"""A pytest plugin, loaded first (`-p vaultdoor.testing.env`), that isolates the test run.

pytest-django starts Django before any conftest is read, so the data directory has to be set
here: a test run never reads or writes an operator's `./var` (its database, keys or secrets).
"""

import os
import tempfile

os.environ["VAULTDOOR_DATA_DIR"] = tempfile.mkdtemp(prefix="vaultdoor-test-")
os.environ.setdefault("VAULTDOOR_ENV", "development")
