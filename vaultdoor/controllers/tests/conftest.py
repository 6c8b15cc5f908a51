"""Fixtures for the controller tests: the spec's example site imported, controllers added,
and an API client speaking as a controller."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rows roll back between tests, so no compiled site may outlive one."""
    from vaultdoor.access.services.snapshots import clear_snapshot_cache
    from vaultdoor.controllers.services import compiler

    clear_snapshot_cache()
    compiler._site_at.cache_clear()
    yield
    clear_snapshot_cache()
    compiler._site_at.cache_clear()


@pytest.fixture
def site(db):
    """The example site (northgate) imported into the test database."""
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.facilities.models import Site

    import_site_text((DATA / "example-site.yaml").read_text(encoding="utf-8"), actor="test")
    return Site.objects.get(code="northgate")


@pytest.fixture
def add_controller(site):
    """Add a controller for some doors; returns (controller, enrolment code)."""
    from vaultdoor.controllers.services.enrolment import add_controller as add

    def make(name: str = "ctl-1", doors: tuple[str, ...] = ("D-MAIN", "D-VAULT"), **kw):
        return add(name, site=site, doors=list(doors), actor="test", **kw)

    return make


@pytest.fixture
def enrolled(add_controller):
    """An enrolled controller for D-MAIN and D-VAULT: (controller, token)."""
    from vaultdoor.controllers.services.enrolment import enrol

    controller, code = add_controller()
    result = enrol(code)
    return controller, result.token


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def as_controller(api, token: str):
    api.credentials(HTTP_AUTHORIZATION=f"Controller {token}")
    return api
