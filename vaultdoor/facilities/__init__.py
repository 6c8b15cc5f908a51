"""The building: sites, floors, zones and doors."""
