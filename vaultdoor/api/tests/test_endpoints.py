"""Every read-only endpoint: anonymous, authenticated without permission, permitted.

NetBox style: `ReadEndpointTests` holds the tests; each model's class only declares its data.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import grant

pytestmark = pytest.mark.django_db


class ReadEndpointTests:
    """The shared tests; subclasses declare `basename`, `permission`, `count`, `filters`
    (query -> expected count) and `fields` expected in each object."""

    basename: str
    permission: str
    count: int
    filters: dict[str, int] = {}
    fields: set[str] = set()
    forbidden_fields: set[str] = {"pin_hash", "pins", "pin"}

    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, pk: int) -> str:
        return reverse(f"api:{self.basename}-detail", args=[pk])

    def test_anonymous_is_refused(self, client, site):
        response = client.get(self.list_url())
        assert response.status_code in (401, 403)
        assert "results" not in response.json()

    def test_without_permission_is_forbidden(self, client, site, user):
        client.force_authenticate(user)
        assert client.get(self.list_url()).status_code == 403

    def test_list_and_detail_with_view_permission(self, client, site, user):
        client.force_authenticate(grant(user, self.permission))
        response = client.get(self.list_url())
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] == self.count
        first = body["results"][0]
        assert self.fields <= set(first), self.fields - set(first)
        assert not self.forbidden_fields & set(first)
        detail = client.get(self.detail_url(first["id"]))
        assert detail.status_code == 200 and detail.json() == first

    def test_filters(self, client, site, user):
        client.force_authenticate(grant(user, self.permission))
        for query, expected in self.filters.items():
            response = client.get(f"{self.list_url()}?{query}")
            assert response.status_code == 200, (query, response.content)
            assert response.json()["count"] == expected, query

    def test_writing_is_not_offered(self, client, site, user):
        client.force_authenticate(grant(user, self.permission))
        assert client.post(self.list_url(), {}, format="json").status_code in (403, 405)

    def test_list_query_count_is_bounded(self, client, site, user, django_assert_max_num_queries):
        client.force_authenticate(grant(user, self.permission))
        with django_assert_max_num_queries(8):
            assert client.get(self.list_url()).status_code == 200


class TestSites(ReadEndpointTests):
    basename, permission, count = "site", "facilities.view_site", 1
    fields = {"code", "name", "timezone", "revision"}
    filters = {"code=northgate": 1, "q=north": 1, "q=nowhere": 0}


class TestFloors(ReadEndpointTests):
    basename, permission, count = "floor", "facilities.view_floor", 3
    fields = {"site", "code", "name", "level"}
    filters = {"site=northgate": 3, "level=-1": 1, "q=first": 1, "site=other": 0}


class TestZones(ReadEndpointTests):
    basename, permission, count = "zone", "facilities.view_zone", 8
    fields = {"floor", "security", "phones", "customer_data", "two_person", "max_occupancy"}
    filters = {
        "security=high": 1, "floor=B": 3, "phones=allowed": 3, "customer_data=true": 1,
        "anti_passback=hard": 1, "q=vault": 1,
    }


class TestDoors(ReadEndpointTests):
    basename, permission, count = "door", "facilities.view_door", 9
    fields = {"from_zone", "to_zone", "mode"}
    filters = {"mode=pin": 1, "zone=lobby": 5, "zone=vault": 1, "code=D-MAIN": 1}


class TestPeople(ReadEndpointTests):
    basename, permission, count = "person", "people.view_person", 7
    fields = {"code", "name", "kind", "status", "role", "access_levels", "vetting"}
    filters = {
        "kind=contractor": 1, "status=suspended": 1, "role=it": 2,
        "vetting_status=cleared": 5, "q=grace": 1,
    }


class TestCards(ReadEndpointTests):
    basename, permission, count = "card", "people.view_card", 8
    fields = {"person", "format", "facility", "number", "status", "valid_from", "valid_until"}
    filters = {"card_format=h10304": 1, "status=lost": 1, "person=C2001": 2, "number=10231": 1}


class TestSchedules(ReadEndpointTests):
    basename, permission, count = "schedule", "access.view_schedule", 3
    fields = {"code", "windows", "holidays"}
    filters = {"holidays=open": 2, "code=always": 1}


class TestHolidays(ReadEndpointTests):
    basename, permission, count = "holiday", "access.view_holiday", 2
    fields = {"date", "name"}
    filters = {"date_after=2026-12-26": 1, "q=boxing": 1}


class TestAccessLevels(ReadEndpointTests):
    basename, permission, count = "accesslevel", "access.view_accesslevel", 5
    fields = {"code", "zones", "schedule"}
    filters = {"zone=vault": 1, "zone=call-floor-1": 2, "schedule=always": 2}


class TestRoles(ReadEndpointTests):
    basename, permission, count = "role", "access.view_role", 4
    fields = {"code", "name", "access_levels"}
    filters = {"q=agent": 2}


class TestDoorEvents(ReadEndpointTests):
    basename, permission, count = "doorevent", "access.view_doorevent", 2
    fields = {"at", "door", "zone", "person", "decision", "reason", "warnings", "audit_seq"}
    filters = {
        "decision=deny": 1, "reason=door_locked": 1, "door=D-MAIN": 1, "person=E1001": 1,
        "at_after=2026-12-01T08:30:00Z": 1, "at_before=2026-12-01T08:30:00Z": 1,
    }

    @pytest.fixture
    def site(self, site):
        from vaultdoor.access.services.decide import decide_swipe

        card = {"format": "h10301", "facility": 42, "number": 10231}
        decide_swipe(None, {"door": "D-MAIN", "at": "2026-12-01T08:00", "card": card})
        decide_swipe(None, {"door": "D-FIRE-1", "at": "2026-12-01T09:00", "card": card})
        return site


def test_a_person_shows_vetting_and_references_by_id(client, site, user):
    client.force_authenticate(grant(user, "people.view_person", "vetting.view_finding"))
    body = client.get(reverse("api:person-list") + "?code=E1004").json()["results"][0]
    assert body["role"] == "agent"
    assert body["vetting"] == {
        "status": "adverse", "completed": "2026-04-01", "expires": None, "findings": ["fraud"]
    }


def test_findings_are_hidden_from_those_who_may_not_read_them(client, site, user):
    client.force_authenticate(grant(user, "people.view_person"))
    body = client.get(reverse("api:person-list") + "?code=E1004").json()["results"][0]
    assert body["vetting"] == {"status": "adverse", "completed": "2026-04-01", "expires": None}


def test_a_door_from_outside_says_outside(client, site, user):
    client.force_authenticate(grant(user, "facilities.view_door"))
    body = client.get(reverse("api:door-list") + "?code=D-MAIN").json()["results"][0]
    assert (body["from_zone"], body["to_zone"]) == ("outside", "lobby")
