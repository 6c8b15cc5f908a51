from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Schedules, holidays, access levels, roles, live door state and access decisions."""

    name = "vaultdoor.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from . import signals

        signals.connect()
