"""The customer-data vault app."""

from django.apps import AppConfig


class VaultConfig(AppConfig):
    """Encrypted customer records, blind-index search, masking, reveal and erasure."""

    name = "vaultdoor.vault"
    label = "vault"
    verbose_name = "Customer-data vault"
    default_auto_field = "django.db.models.BigAutoField"
