"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

The triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) with an IntegrityError. They
stop the application and casual hands; a database owner can still drop them, which is why the
chain and its signed checkpoints exist: what gets past the triggers is detected by
`vaultdoor audit verify`.

The test suite must empty tables between transactional tests (Django's flush), so both vendors
honour a maintenance switch that only `vaultdoor.audit.testing` turns on: on PostgreSQL the
session setting `vaultdoor.audit_maintenance`, on SQLite the SQL function
`vaultdoor_audit_locked()` that this app registers on every connection (a connection without it,
such as the sqlite3 shell, gets an error instead, which refuses the change just the same).
"""

from __future__ import annotations

from typing import Any

__all__ = ["PROTECTED_TABLES", "install", "register_sqlite_functions", "uninstall"]

PROTECTED_TABLES = ("audit_auditevent", "audit_auditcheckpoint")
MAINTENANCE_SETTING = "vaultdoor.audit_maintenance"
SQLITE_LOCK_FUNCTION = "vaultdoor_audit_locked"

# Per process: the test harness flips this around Django's flush; nothing else does.
_sqlite_unlocked = False


def _sqlite_locked() -> int:
    return 0 if _sqlite_unlocked else 1


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give each SQLite connection the trigger's lock function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOCK_FUNCTION, 0, _sqlite_locked)


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION vaultdoor_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{MAINTENANCE_SETTING}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'vaultdoor audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""


def _sql_install(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [_PG_FUNCTION]
        for table in PROTECTED_TABLES:
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION vaultdoor_audit_append_only();",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION vaultdoor_audit_append_only();",
            ]
        return statements
    if vendor == "sqlite":
        statements = []
        for table in PROTECTED_TABLES:
            for operation in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"WHEN {SQLITE_LOCK_FUNCTION}() BEGIN SELECT RAISE(ABORT, "
                    f"'vaultdoor audit log is append-only: {operation} on {table} refused'); END;"
                )
        return statements
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")


def _sql_uninstall(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = []
        for table in PROTECTED_TABLES:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
            ]
        return [*statements, "DROP FUNCTION IF EXISTS vaultdoor_audit_append_only();"]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{operation};"
            for table in PROTECTED_TABLES
            for operation in ("update", "delete")
        ]
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")


def install(apps: Any, schema_editor: Any) -> None:
    """Migration step: create the triggers for this database's vendor."""
    for statement in _sql_install(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    """Migration step (reverse): drop the triggers."""
    for statement in _sql_uninstall(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
