from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """Scores each control of the article from current state and the audit log."""

    name = "vaultdoor.compliance"
    label = "compliance"
    verbose_name = "Compliance"
