"""Start Django for the CLI commands that need the database."""

from __future__ import annotations

import os

__all__ = ["setup"]


def setup() -> None:
    """Configure settings and apps once; safe to call again."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
