"""Schedules, holidays, access levels, roles, live door state and access decisions."""
