"""The operators' web console: server-rendered pages with htmx."""
from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The operators' web console: server-rendered pages with htmx."""

    name = "vaultdoor.console"
    label = "console"
    verbose_name = "Console"

    def ready(self) -> None:
        from vaultdoor.console import signals

        signals.connect()
