"""The tamper-evident audit log: one hash-chained, append-only table for every security event."""
from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit app: registers the SQLite function its append-only triggers consult."""

    name = "vaultdoor.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from vaultdoor.audit.triggers import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="vaultdoor-audit-sqlite")
        # A connection opened before the app was ready never sends the signal again.
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                register_sqlite_functions(sender=None, connection=connection)
