"""Fixtures for the domain tests: the example site of the spec, imported or as text."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def example_text() -> str:
    """The spec's example site file (a copy: tests never read ../shared)."""
    return (DATA / "example-site.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_snapshot_cache():
    """Each test compiles its own snapshots: database rows roll back between tests."""
    from vaultdoor.access.services.snapshots import clear_snapshot_cache

    clear_snapshot_cache()
    yield
    clear_snapshot_cache()


@pytest.fixture
def imported(example_text):
    """The example site imported into the test database; returns the import report."""
    from vaultdoor.access.services.importer import import_site_text

    return import_site_text(example_text, actor="test")
