from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Persons, their credentials (badges, PINs, biometrics) and vetting status."""

    name = "vaultdoor.people"
    label = "people"
    verbose_name = "People"
