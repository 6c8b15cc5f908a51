"""The mail app: the gateway's records (correspondence, quarantine, clicks, reports)."""

from django.apps import AppConfig


class MailConfig(AppConfig):
    """Mail defence on the Django side. The analyser (`vaultdoor.mail.analysis`) stays pure
    Python and imports nothing from here."""

    name = "vaultdoor.mail"
    label = "mail"
    verbose_name = "Mail defence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the settings checks
