"""The customer-data vault: customer records encrypted per record (envelope encryption),
searched through keyed blind indexes, masked by default and revealed one field at a time to
vetted, stepped-up agents who give a reason (docs/vault.md)."""
