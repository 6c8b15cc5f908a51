"""What a person presents at a door: badges, PINs and biometric enrolments."""

from __future__ import annotations

from django.db import models

from ..choices import CardFormatChoices, CredentialStatusChoices

__all__ = ["Biometric", "Card", "Pin"]


class Credential(models.Model):
    """Common to every credential: whose it is, and whether the last import still listed it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(
        default=True, help_text="Cleared when the last import no longer listed it."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Card(Credential):
    """A badge: its Wiegand format, facility code and card number, with status and the
    instants between which it is valid."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cards")
    format = models.CharField(
        max_length=10, choices=CardFormatChoices.choices, default=CardFormatChoices.H10301
    )
    facility = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=CredentialStatusChoices.choices,
        default=CredentialStatusChoices.ACTIVE,
    )
    valid_from = models.DateTimeField(null=True, blank=True, help_text="Inclusive.")
    valid_until = models.DateTimeField(null=True, blank=True, help_text="Exclusive.")

    class Meta:
        ordering = ["format", "facility", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["format", "facility", "number"], name="people_card_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} {self.facility}:{self.number}"


class Pin(Credential):
    """A PIN for a keypad, held only as a keyed hash (never the digits)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="pins")
    pin_hash = models.CharField(max_length=200, help_text="Keyed hash; the digits are never kept.")

    class Meta:
        verbose_name = "PIN"
        verbose_name_plural = "PINs"

    def __str__(self) -> str:
        return f"PIN of {self.person.code}"


class Biometric(Credential):
    """A biometric enrolment whose template lives in the reader; the server keeps only the
    holder's recorded consent and the enrolment's status."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="biometrics"
    )
    consent = models.BooleanField(default=True, help_text="Recorded, explicit consent.")
    status = models.CharField(
        max_length=20, choices=CredentialStatusChoices.choices,
        default=CredentialStatusChoices.ACTIVE,
    )

    def __str__(self) -> str:
        return f"biometric of {self.person.code} ({self.status})"
