from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The tamper-evident audit log: one hash-chained, append-only table for every security event."""

    name = "vaultdoor.audit"
    label = "audit"
    verbose_name = "Audit"
