"""The correspondence graph: which outside addresses people here have written to."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.db.models import F
from django.utils import timezone

__all__ = ["Correspondence", "DatabaseCorrespondence"]


class Correspondence(models.Model):
    """One edge of the graph: someone in the organisation wrote to an outside address.

    Only outbound mail teaches the graph. Inbound mail never does: otherwise a phisher's
    second message would already come from a "known" sender.
    """

    org_address = models.CharField(max_length=254)
    external_address = models.CharField(max_length=254)
    messages = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["external_address", "org_address"]
        verbose_name_plural = "correspondence"
        constraints = [
            models.UniqueConstraint(fields=["org_address", "external_address"],
                                    name="mail_correspondence_unique_pair"),
        ]
        indexes = [models.Index(fields=["external_address"], name="mail_corr_external")]

    def __str__(self) -> str:
        return f"{self.org_address} -> {self.external_address}"


class DatabaseCorrespondence:
    """The analyser's `CorrespondenceStore`, answered from the graph in the database."""

    def has_corresponded(self, sender: str, recipients: Sequence[str]) -> bool | None:
        sender = sender.strip().lower()
        if Correspondence.objects.filter(external_address=sender).exists():
            return True
        # No history at all is "cannot judge" (a fresh installation), not "never".
        return False if Correspondence.objects.exists() else None

    def learn(self, org_address: str, external_addresses: Sequence[str]) -> None:
        """Count one message from `org_address` to each outside address."""
        now = timezone.now()
        org_address = org_address.strip().lower()[:254]
        for address in {a.strip().lower()[:254] for a in external_addresses if a.strip()}:
            updated = Correspondence.objects.filter(
                org_address=org_address, external_address=address
            ).update(messages=F("messages") + 1, last_seen=now)
            if not updated:
                Correspondence.objects.get_or_create(
                    org_address=org_address, external_address=address,
                    defaults={"first_seen": now, "last_seen": now},
                )
