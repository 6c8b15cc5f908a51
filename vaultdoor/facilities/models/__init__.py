"""The building: sites, floors, zones and doors."""

from .base import SiteObject
from .sites import Floor, Site
from .zones import Door, Zone

__all__ = ["Door", "Floor", "Site", "SiteObject", "Zone"]
