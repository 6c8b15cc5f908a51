"""Helpers for tests across the apps: seeded example data and the Playwright browser fixtures.

Test-only code; nothing in the server imports it.
"""
