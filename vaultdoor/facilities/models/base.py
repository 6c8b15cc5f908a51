"""What every object that a site file defines has in common."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

__all__ = ["CODE_VALIDATOR", "SiteObject"]

# The site format's id alphabet (site-format.md, "Top level").
CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9._-]+$", "Use ASCII letters, digits, '-', '_' and '.' only."
)


class SiteObject(models.Model):
    """A thing a site file declares: it belongs to one site, has the file's id as `code`, and
    is deactivated (never deleted) when an import no longer lists it, so history keeps pointing
    at it."""

    site = models.ForeignKey("facilities.Site", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(
        "ID", max_length=100, validators=[CODE_VALIDATOR], help_text="The id in the site file."
    )
    active = models.BooleanField(
        default=True, help_text="Cleared when the last import no longer listed it."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        name = getattr(self, "name", "")
        return f"{self.code} ({name})" if name else self.code
