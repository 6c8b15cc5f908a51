from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    """The building: sites, floors, zones and doors."""

    name = "vaultdoor.facilities"
    label = "facilities"
    verbose_name = "Facilities"
