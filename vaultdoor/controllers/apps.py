from django.apps import AppConfig


class ControllersConfig(AppConfig):
    """Door controllers: enrolment, per-controller credentials, signed entitlement snapshots,
    event ingestion and alarms."""

    name = "vaultdoor.controllers"
    label = "controllers"
    verbose_name = "Door controllers"

    def ready(self) -> None:
        from . import signals

        signals.connect()
