"""The tamper-evident audit log: one hash-chained, append-only table for every security event."""
