"""Test-wide set-up: every test run gets its own throw-away data directory."""

import os
import tempfile

# Before Django reads its settings: never touch an operator's ./var from a test.
os.environ["VAULTDOOR_DATA_DIR"] = tempfile.mkdtemp(prefix="vaultdoor-test-")
os.environ.setdefault("VAULTDOOR_ENV", "development")

# Django's test flush must be able to empty the append-only audit tables (vaultdoor/audit).
pytest_plugins = ["vaultdoor.audit.testing"]
