"""Django admin: every domain model has a working changelist and change page for staff."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("facilities", "people", "access")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="not-used-here-0")
    client.force_login(user)
    return client


@pytest.fixture
def with_events(imported):
    from vaultdoor.access.services.decide import decide_swipe

    card = {"format": "h10301", "facility": 42, "number": 10232}
    for door in ("D-MAIN", "D-STAIRS-B", "D-VAULT"):  # ends waiting for a second person
        decide_swipe(None, {"door": door, "at": "2026-12-01T08:00", "card": card, "pin": "7315"})
    from vaultdoor.people.models import Card

    Card.objects.order_by("pk").first().save()  # a journalled change (SiteChange)
    return imported


def domain_models():
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label in DOMAIN_APPS),
        key=lambda m: m._meta.label,
    )


def test_every_domain_model_is_in_the_admin():
    from django.apps import apps

    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model


def test_changelists_and_change_pages_render(staff_client, with_events):
    for model in domain_models():
        meta = model._meta
        response = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, meta.label
        first = model.objects.first()
        assert first is not None, meta.label
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
        assert staff_client.get(change).status_code == 200, meta.label


def test_the_admin_never_shows_pin_hashes(staff_client, imported):
    from vaultdoor.people.models import Pin

    pin = Pin.objects.first()
    for url in (reverse("admin:people_pin_changelist"),
                reverse("admin:people_pin_change", args=[pin.pk])):
        assert pin.pin_hash not in staff_client.get(url).content.decode()


def test_live_state_and_events_are_read_only(staff_client, with_events):
    from vaultdoor.access.models import DoorEvent

    event = DoorEvent.objects.first()
    assert staff_client.get(reverse("admin:access_doorevent_add")).status_code == 403
    delete = reverse("admin:access_doorevent_delete", args=[event.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert DoorEvent.objects.filter(pk=event.pk).exists()


def test_admin_edits_are_audited_and_bump_the_revision(staff_client, imported):
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.facilities.models import Floor, Site

    floor = Floor.objects.get(code="B")
    site = Site.objects.get(code="northgate")
    before = site.revision
    url = reverse("admin:facilities_floor_change", args=[floor.pk])
    response = staff_client.post(url, {
        "site": site.pk, "code": "B", "name": "Lower ground", "level": -1, "active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor, event.target_type, event.target_id) == ("root", "facilities.floor", "B")
    assert event.context["fields"] == ["Name"] and event.context["site"] == "northgate"
    site.refresh_from_db()
    assert site.revision > before
