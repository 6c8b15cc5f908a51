from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo contact centre: seeding and a replayed day of swipes."""

    name = "vaultdoor.demo"
    label = "demo"
    verbose_name = "Demo"
