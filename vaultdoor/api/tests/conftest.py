"""Fixtures for the API tests: the example site, users with and without permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

EXAMPLE = Path(__file__).parents[2] / "access" / "tests" / "data" / "example-site.yaml"


@pytest.fixture
def site(db):
    """The spec's example site, imported."""
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.access.services.snapshots import clear_snapshot_cache

    clear_snapshot_cache()
    report = import_site_text(EXAMPLE.read_text(encoding="utf-8"), actor="test")
    yield report
    clear_snapshot_cache()


@pytest.fixture
def user(db):
    """An authenticated user with no permissions at all."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("operator", password="not-used-here-0")


def grant(user, *codenames: str):
    """Give `user` permissions by `app_label.codename`, and return a fresh copy of them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)  # permissions are cached per instance


@pytest.fixture
def client() -> APIClient:
    return APIClient()
