"""Test support: let Django's test flush empty the append-only audit tables.

Loaded as a pytest plugin by the root conftest (`pytest_plugins`). Transactional tests end with
Django's `flush`, which deletes (SQLite) or truncates (PostgreSQL) every table; the audit
triggers would refuse that, so the flush runs with the triggers' maintenance switch on. Tamper
tests use `triggers_off()` to go around the triggers on purpose. Nothing outside tests imports
this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vaultdoor.audit import triggers

__all__ = ["triggers_off"]


@contextmanager
def triggers_off(using: str = "default") -> Iterator[None]:
    """Within this block the audit tables accept UPDATE, DELETE and TRUNCATE (tests only)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [triggers.MAINTENANCE_SETTING])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', false)", [triggers.MAINTENANCE_SETTING])
        return
    previous = triggers._sqlite_unlocked
    triggers._sqlite_unlocked = True
    try:
        yield
    finally:
        triggers._sqlite_unlocked = previous


def _patch_flush() -> None:
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "_vaultdoor_audit", False):
        return

    def _fixture_teardown(self: Any) -> None:
        from django.db import connections

        with _all_triggers_off(connections, self._databases_names(include_mirrors=False)):
            original(self)

    _fixture_teardown._vaultdoor_audit = True  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


@contextmanager
def _all_triggers_off(connections: Any, names: list[str]) -> Iterator[None]:
    from contextlib import ExitStack

    with ExitStack() as stack:
        for name in names:
            stack.enter_context(triggers_off(name))
        yield


def pytest_configure(config: Any) -> None:
    _patch_flush()
