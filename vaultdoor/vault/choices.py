"""Vocabularies of the vault: the encrypted fields, search kinds, queue kinds, alert kinds."""

from django.db import models

__all__ = ["FIELDS", "SEARCH_KINDS", "AlertKind", "QueueKind"]

# Every encrypted field of a customer, in display order, with its label.
FIELDS: dict[str, str] = {
    "name": "Name",
    "phones": "Phone numbers",
    "email": "Email",
    "postal_address": "Postal address",
    "date_of_birth": "Date of birth",
    "account_number": "Account number",
    "card_number": "Card number",
    "card_expiry": "Card expiry",
    "notes": "Notes",
}

# What can be searched by blind index.
SEARCH_KINDS: dict[str, str] = {
    "phone": "Phone number",
    "email": "Email",
    "account": "Account number",
    "card": "Card number",
}


class QueueKind(models.TextChoices):
    """A queue of inbound calls, or an outbound campaign."""

    QUEUE = "queue", "Queue"
    CAMPAIGN = "campaign", "Campaign"


class AlertKind(models.TextChoices):
    """Why the vault raised an alert."""

    BULK_REVEAL = "bulk_reveal", "Bulk reveal"
