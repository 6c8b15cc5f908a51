from django.apps import AppConfig


class APIConfig(AppConfig):
    """The REST API under /api/v1/, described by OpenAPI."""

    name = "vaultdoor.api"
    label = "api"
    verbose_name = "API"
