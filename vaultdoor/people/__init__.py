"""Persons, their credentials (badges, PINs, biometrics) and vetting status."""
