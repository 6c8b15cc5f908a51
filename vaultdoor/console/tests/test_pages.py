"""Every console page: anonymous -> login, no permission -> 403, the permission -> 200."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from vaultdoor.access.models import AccessLevel, Schedule
from vaultdoor.audit.models import AuditEvent
from vaultdoor.facilities.models import Door, Floor, Zone
from vaultdoor.people.models import Card, Person

from .conftest import grant

pytestmark = pytest.mark.django_db


def _pk(model, **filters):
    return lambda: model.objects.get(**filters).pk


# (url name, the permission it needs, the primary key of a detail page's object, text on it)
PAGES = [
    ("console:floor_list", "facilities.view_floor", None, "Ground floor"),
    ("console:floor", "facilities.view_floor", _pk(Floor, code="B"), "Equipment vault"),
    ("console:zone_list", "facilities.view_zone", None, "Paper records room"),
    ("console:zone", "facilities.view_zone", _pk(Zone, code="vault"), "Two-person rule"),
    ("console:door_list", "facilities.view_door", None, "Vault door"),
    ("console:door", "facilities.view_door", _pk(Door, code="D-MAIN"), "Main entrance"),
    ("console:person_list", "people.view_person", None, "Priya Shah"),
    ("console:person", "people.view_person", _pk(Person, code="E1004"), "Dan Kowalski"),
    ("console:card_list", "people.view_card", None, "10231"),
    ("console:card", "people.view_card", _pk(Card, number=10231), "Priya Shah"),
    ("console:access_level_list", "access.view_accesslevel", None, "it-vault"),
    ("console:access_level", "access.view_accesslevel", _pk(AccessLevel, code="it-vault"),
     "Equipment vault"),
    ("console:schedule_list", "access.view_schedule", None, "night-shift"),
    ("console:schedule", "access.view_schedule", _pk(Schedule, code="office-hours"),
     "Christmas Day"),
    ("console:event_list", "access.view_doorevent", None, "Person inactive"),
    ("console:live", "access.view_doorevent", None, "live-feed"),
    ("console:audit_list", "audit.view_auditevent", None, "site.import"),
    ("console:audit_event", "audit.view_auditevent", lambda: AuditEvent.objects.earliest("seq").seq,
     "Chain link"),
    ("console:compliance:report", "audit.view_auditevent", None, "Antivirus and firewalls"),
]
IDS = [f"{name.split(':')[1]}" for name, *_ in PAGES]


def _url(name, pk):
    if pk is None:
        return reverse(name)
    kwarg = "seq" if name == "console:audit_event" else "pk"
    return reverse(name, kwargs={kwarg: pk()})


def _any_url(name, pk):
    """The page's URL with a made-up key: access is refused before any object is looked up."""
    return _url(name, None if pk is None else (lambda: 1))


@pytest.mark.parametrize(("name", "perm", "pk", "text"), PAGES, ids=IDS)
def test_anonymous_goes_to_login(client, name, perm, pk, text):
    url = _any_url(name, pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))  # /auth/login/
    assert "next=" in response["Location"]


@pytest.mark.parametrize(("name", "perm", "pk", "text"), PAGES, ids=IDS)
def test_without_permission_is_403_and_audited(client, nobody, name, perm, pk, text):
    client.force_login(nobody)
    url = _any_url(name, pk)
    response = client.get(url)
    assert response.status_code == 403
    assert b"Not allowed" in response.content
    denied = AuditEvent.objects.filter(action="auth.permission_denied").earliest("seq")
    assert denied.actor == "nobody" and denied.target_id == url
    assert denied.context["needs"] == [perm]


@pytest.mark.parametrize(("name", "perm", "pk", "text"), PAGES, ids=IDS)
def test_the_permission_alone_opens_the_page(client, northgate, nobody, name, perm, pk, text):
    grant(nobody, perm)
    client.force_login(nobody)
    response = client.get(_url(name, pk))
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(("name", "perm", "pk", "text"), PAGES, ids=IDS)
def test_superuser_sees_every_page(client, northgate, superuser, name, perm, pk, text):
    client.force_login(superuser)
    assert client.get(_url(name, pk)).status_code == 200


def test_missing_object_is_a_plain_404(viewer_client, northgate):
    response = viewer_client.get(reverse("console:zone", kwargs={"pk": 999_999}))
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_dashboard_shows_the_morning(viewer_client, northgate):
    response = viewer_client.get(reverse("console:dashboard") + "?period=24h")
    assert response.status_code == 200
    page = response.content.decode()
    context = response.context
    # 15 swipes: 9 grants (7 of them 'in' entries plus the vault pair), 5 denials, 1 pending.
    assert context["headline"]["denials"] == 5
    assert context["headline"]["entries"] == 9
    assert sum(bar.value for bar in context["hour_chart"].bars) == 9
    assert {label for label in (b.label for b in context["denial_chart"].bars)} == {
        "Person inactive", "Credential inactive", "Unknown credential", "Door locked",
        "No access",
    }
    assert "Equipment vault" in page  # two people inside the vault
    vault = next(z for z in context["occupied_zones"] if z.code == "vault")
    assert vault.inside == 2
    assert '<svg class="chart chart-hours"' in page


def test_dashboard_without_event_permissions_says_so(client, northgate, nobody):
    client.force_login(nobody)
    response = client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    assert b"no access to door events" in response.content
    assert "headline" not in response.context


def test_dashboard_without_any_site_explains_how_to_start(viewer_client):
    response = viewer_client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    assert b"vaultdoor site import" in response.content


def test_floor_view_draws_zones_doors_and_phone_marks(viewer_client, northgate):
    floor = Floor.objects.get(code="G")
    page = viewer_client.get(reverse("console:floor", kwargs={"pk": floor.pk})).content.decode()
    for code in ("lobby", "lockers", "training"):
        assert f'data-zone="{code}"' in page
    assert 'data-zone="vault"' not in page  # on the basement
    for door in ("D-MAIN", "D-LOCKERS", "D-STAIRS-B", "D-TRAINING"):
        assert f'data-door="{door}"' in page
    assert "Phones allowed" in page and "No phones" in page
    assert 'data-security="public"' in page


def test_floor_view_marks_customer_data(viewer_client, northgate):
    floor = Floor.objects.get(code="1")
    page = viewer_client.get(reverse("console:floor", kwargs={"pk": floor.pk})).content.decode()
    assert "customer-data" in page and "Customer data" in page


def test_person_page_never_shows_a_pin_hash(viewer_client, northgate):
    person = Person.objects.get(code="E1001")
    pin_hash = person.pins.get().pin_hash
    page = viewer_client.get(reverse("console:person", kwargs={"pk": person.pk})).content
    assert pin_hash.encode() not in page
    assert b"stored only as a keyed hash" in page


def test_person_page_flags_a_disqualifying_finding(viewer_client, viewer, northgate):
    grant(viewer, "vetting.view_finding")
    person = Person.objects.get(code="E1004")
    page = viewer_client.get(reverse("console:person", kwargs={"pk": person.pk})).content
    assert b"Disqualifying finding" in page and b"Fraud" in page


def test_person_page_hides_findings_from_those_who_may_not_read_them(viewer_client, northgate):
    person = Person.objects.get(code="E1004")
    page = viewer_client.get(reverse("console:person", kwargs={"pk": person.pk})).content
    assert b"Disqualifying finding" not in page and b"Fraud" not in page
    listing = viewer_client.get(reverse("console:person_list")).content
    assert b"Findings on record" not in listing


def test_schedule_week_grid_has_a_box_per_window_day(viewer_client, northgate):
    schedule = Schedule.objects.get(code="office-hours")
    response = viewer_client.get(reverse("console:schedule", kwargs={"pk": schedule.pk}))
    spans = response.context["grid"].spans
    assert len(spans) == 6  # mon-fri 07:00-20:00 and sat 08:00-14:00
    assert response.content.decode().count('<rect class="span"') == 6


def test_live_feed_fragment_polls_itself(viewer_client, northgate):
    response = viewer_client.get(reverse("console:live"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="live-feed"')
    assert 'hx-trigger="every 2s"' in page
    assert "<html" not in page
    assert page.count('class="feed-item') == 15


def test_audit_event_page_shows_its_chain_link(viewer_client, northgate):
    event = AuditEvent.objects.filter(action="site.import").get()
    page = viewer_client.get(reverse("console:audit_event", kwargs={"seq": event.seq})).content
    assert event.hash.encode() in page and event.prev_hash.encode() in page


def test_htmx_poll_after_the_session_ended_redirects_the_whole_page(client):
    response = client.get(reverse("console:live"), HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver/live/")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/auth/login/?next=/live/"


def test_chosen_site_is_remembered(viewer_client, northgate):
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.testing.seed import EXAMPLE_SITE

    text = (EXAMPLE_SITE.read_text(encoding="utf-8").replace("id: northgate", "id: aaa-first")
            .replace("facility: 42,", "facility: 43,").replace("facility: 1042,",
                                                               "facility: 1043,"))
    import_site_text(text, actor="test")
    assert viewer_client.get(reverse("console:dashboard")).context["site"].code == "aaa-first"
    viewer_client.get(reverse("console:dashboard"), {"site": "northgate"})
    assert viewer_client.get(reverse("console:zone_list")).context["site"].code == "northgate"
    assert viewer_client.get(reverse("console:dashboard"), {"site": "no-such"}).context[
        "site"].code == "northgate"
