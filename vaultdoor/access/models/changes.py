"""The site change journal: which revision of a site changed which person, if only one.

Every revision bump made by a saved or deleted definition object writes one row here in the
same transaction (`vaultdoor.access.signals`). A row naming a person says that revision
changed only that person (their record, a card, a PIN, a biometric, their own access levels);
a row without one says anything may have changed. Door controllers' snapshots use it to
re-read only the people a run of revisions touched (`vaultdoor/controllers/services/
compiler.py`); a revision with no row at all (a site import, a vetting sweep) counts as "anything".
"""

from __future__ import annotations

from django.db import models

__all__ = ["SiteChange"]


class SiteChange(models.Model):
    """One revision of one site, and the person it was confined to (none: not confined)."""

    site = models.ForeignKey("facilities.Site", on_delete=models.CASCADE,
                             related_name="changes")
    revision = models.PositiveBigIntegerField()
    person_pk = models.BigIntegerField(
        null=True, blank=True,
        help_text="The person this revision changed and nothing else; empty: anything.",
    )
    person_code = models.CharField(max_length=64, blank=True,
                                   help_text="That person's id at the time (for removals).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "revision"], name="site_change_once"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}@{self.revision}: {self.person_code or 'anything'}"
