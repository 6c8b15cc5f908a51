"""List pages: search and filters narrow correctly, and the number of queries a list costs
does not grow with the number of rows (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vaultdoor.access.services.decide import decide_swipe
from vaultdoor.access.services.importer import import_site_text
from vaultdoor.facilities.models import Zone
from vaultdoor.testing.seed import EXAMPLE_SITE, recent_swipes

pytestmark = pytest.mark.django_db

LISTS = [
    "console:dashboard",
    "console:floor_list",
    "console:zone_list",
    "console:door_list",
    "console:person_list",
    "console:card_list",
    "console:access_level_list",
    "console:schedule_list",
    "console:event_list",
    "console:audit_list",
    "console:live",
]
# A ceiling: a list page is a handful of queries (session, user, permissions, site and floors
# for the sidebar, count, page); the dashboard a dozen aggregates. Far above means a loop.
MAX_QUERIES = 20


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _second_site() -> None:
    """A copy of the example site under another id with other badges: twice the rows."""
    text = (EXAMPLE_SITE.read_text(encoding="utf-8")
            .replace("id: northgate", "id: southgate")
            .replace("facility: 42,", "facility: 43,")
            .replace("facility: 1042,", "facility: 1043,"))
    import_site_text(text, actor="test")


@pytest.mark.parametrize("name", LISTS)
def test_query_count_does_not_grow_with_rows(viewer_client, northgate, name):
    url = reverse(name) + ("?period=24h" if name == "console:dashboard" else "")
    before = _queries(viewer_client, url)
    _second_site()
    # More door events, a day later, at the first site.
    for swipe in recent_swipes(dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)):
        decide_swipe("northgate", swipe, actor="test")
    after = _queries(viewer_client, url)
    assert after == before
    assert after <= MAX_QUERIES


def _codes(response, attribute: str = "code") -> set[str]:
    return {getattr(row, attribute) for row in response.context["object_list"]}


def test_zone_filters(viewer_client, northgate):
    url = reverse("console:zone_list")
    assert _codes(viewer_client.get(url, {"security": "high"})) == {"vault"}
    assert _codes(viewer_client.get(url, {"customer_data": "yes"})) == {"call-floor-1"}
    assert _codes(viewer_client.get(url, {"floor": "G", "phones": "allowed"})) == {
        "lobby", "lockers"}
    assert _codes(viewer_client.get(url, {"q": "records"})) == {"records"}


def test_removed_zones_are_hidden_until_asked_for(viewer_client, northgate):
    Zone.objects.filter(code="training").update(active=False)
    url = reverse("console:zone_list")
    assert "training" not in _codes(viewer_client.get(url))
    assert _codes(viewer_client.get(url, {"state": "inactive"})) == {"training"}
    assert "training" in _codes(viewer_client.get(url, {"state": "all"}))


def test_people_filters_and_search(viewer_client, northgate):
    url = reverse("console:person_list")
    assert _codes(viewer_client.get(url, {"status": "suspended"})) == {"E1006"}
    assert _codes(viewer_client.get(url, {"vetting": "adverse"})) == {"E1004"}
    assert _codes(viewer_client.get(url, {"role": "it"})) == {"E1002", "E1003"}
    assert _codes(viewer_client.get(url, {"q": "priya"})) == {"E1001"}
    assert _codes(viewer_client.get(url, {"kind": "contractor"})) == {"C2001"}


def test_card_search_by_number_and_holder(viewer_client, northgate):
    url = reverse("console:card_list")
    assert _codes(viewer_client.get(url, {"q": "42:10231"}), "number") == {10231}
    assert _codes(viewer_client.get(url, {"q": "300001"}), "number") == {300001}
    assert _codes(viewer_client.get(url, {"q": "lee"}), "number") == {10901, 10902}
    assert _codes(viewer_client.get(url, {"status": "lost"}), "number") == {10901}
    assert _codes(viewer_client.get(url, {"format": "h10304"}), "number") == {300001}


def test_card_list_never_carries_pin_hashes(viewer_client, northgate):
    from vaultdoor.people.models import Pin

    page = viewer_client.get(reverse("console:card_list"), {"state": "all"}).content
    for pin_hash in Pin.objects.values_list("pin_hash", flat=True):
        assert pin_hash.encode() not in page


def test_access_level_and_schedule_filters(viewer_client, northgate):
    levels = reverse("console:access_level_list")
    assert _codes(viewer_client.get(levels, {"zone": "vault"})) == {"it-vault"}
    assert _codes(viewer_client.get(levels, {"schedule": "office-hours"})) == {
        "agent-day", "records"}
    schedules = reverse("console:schedule_list")
    assert _codes(viewer_client.get(schedules, {"holidays": "closed"})) == {"office-hours"}


def test_door_event_filters(viewer_client, northgate):
    url = reverse("console:event_list")

    def reasons(**params):
        return [e.reason for e in viewer_client.get(url, params).context["object_list"]]

    assert len(reasons()) == 15
    assert sorted(reasons(decision="deny")) == sorted([
        "person_inactive", "credential_inactive", "unknown_credential", "door_locked",
        "no_access"])
    assert reasons(reason="door_locked") == ["door_locked"]
    assert set(reasons(door="D-VAULT")) == {"awaiting_second_person", "granted"}
    assert len(reasons(person="E1001")) == 4  # the locked fire exit reads no one
    assert reasons(decision="pending") == ["awaiting_second_person"]
    assert reasons(zone="vault", direction="out") == []
    far_past = dt.date(2020, 1, 1)
    assert reasons(since=far_past.isoformat(), until=far_past.isoformat()) == []
    today = dt.datetime.now(dt.UTC).date()
    span = {"since": (today - dt.timedelta(days=1)).isoformat(),
            "until": (today + dt.timedelta(days=1)).isoformat()}
    assert len(reasons(**span)) == 15


def test_bad_filter_values_are_ignored_with_a_note(viewer_client, northgate):
    url = reverse("console:event_list")
    response = viewer_client.get(url, {"since": "yesterday", "decision": "maybe"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 15
    assert "Some filters were ignored" in response.content.decode()
    response = viewer_client.get(url, {"since": "2026-12-02", "until": "2026-12-01"})
    assert "before the start date" in response.content.decode()


def test_audit_filters(viewer_client, northgate):
    url = reverse("console:audit_list")

    def actions(**params):
        return {e.action for e in viewer_client.get(url, params).context["object_list"]}

    assert actions(action="site.import") == {"site.import"}
    assert actions(action="access.") == {"access.decision"}
    assert actions(actor="nobody-at-all") == set()
    assert actions(target_type="door", target_id="D-VAULT") == {"access.decision"}


def test_htmx_filter_request_gets_the_same_results(viewer_client, northgate):
    url = reverse("console:zone_list")
    response = viewer_client.get(url, {"security": "high"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="results"' in response.content.decode()
    assert _codes(response) == {"vault"}


def test_pagination_keeps_the_filters(viewer_client, northgate):
    response = viewer_client.get(reverse("console:event_list"), {"per_page": 10,
                                                                 "direction": "in"})
    page = response.content.decode()
    assert response.context["is_paginated"]
    assert "direction=in" in page and "page=2" in page
