from django.apps import AppConfig


class VettingConfig(AppConfig):
    """Background checks that gate sensitive access, and onboarding/termination of people."""

    name = "vaultdoor.vetting"
    label = "vetting"
    verbose_name = "Vetting and lifecycle"

    def ready(self) -> None:
        from . import signals

        signals.connect()
