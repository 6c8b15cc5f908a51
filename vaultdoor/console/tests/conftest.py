"""Fixtures of the console tests: the example site with a morning of swipes, and users with
and without the console's view permissions. The browser fixtures come from vaultdoor.testing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from vaultdoor.testing.browser import browser_session, chromium  # noqa: F401 - fixtures
from vaultdoor.testing.seed import seed_example_site

# Every permission a console page asks for (app_label.codename).
VIEW_PERMISSIONS = (
    "facilities.view_floor",
    "facilities.view_zone",
    "facilities.view_door",
    "people.view_person",
    "people.view_card",
    "access.view_accesslevel",
    "access.view_schedule",
    "access.view_doorevent",
    "access.view_personlocation",
    "audit.view_auditevent",
)
PASSWORD = "a long console password 42"


def grant(user, *names: str) -> None:
    """Give `user` the permissions `names` (app_label.codename)."""
    for name in names:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.fixture
def northgate(db):
    """The spec's example site, imported, with the swipes of the last hour decided."""
    from vaultdoor.facilities.models import Site

    seed_example_site()
    return Site.objects.get(code="northgate")


@pytest.fixture
def viewer(db, django_user_model):
    """A security operator who may view every console page, but is no superuser."""
    # No password: tests sign in with force_login (Argon2 hashing is slow on purpose).
    user = django_user_model.objects.create_user("viewer")
    grant(user, *VIEW_PERMISSIONS)
    return user


@pytest.fixture
def nobody(db, django_user_model):
    """A signed-in user without any permission."""
    return django_user_model.objects.create_user("nobody")


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def superuser(db, django_user_model):
    """A superuser (every permission) without a password; sign in with force_login."""
    return django_user_model.objects.create_superuser("root", email=None, password=None)
