"""Site files (site-format.md): read and validate them into a `Site`, and write them back."""

from __future__ import annotations

from vaultdoor.engine.sitefile._dump import dump_site
from vaultdoor.engine.sitefile._issues import Issue, SiteValidationError
from vaultdoor.engine.sitefile._load import FORMAT_VERSION, load_site, site_from_data
from vaultdoor.engine.sitefile._yaml import MAX_SITE_BYTES

__all__ = [
    "FORMAT_VERSION",
    "MAX_SITE_BYTES",
    "Issue",
    "SiteValidationError",
    "dump_site",
    "load_site",
    "site_from_data",
]
