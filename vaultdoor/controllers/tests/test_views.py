"""Console pages for controllers and alarms: deny by default, status shown, alarm actions
audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from vaultdoor.audit.models import AuditEvent
from vaultdoor.controllers.models import Alarm

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user("guard", password="x" * 24)
    for codename in ("view_controller", "view_alarm", "change_alarm"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def alarm(enrolled):
    controller, _ = enrolled
    return Alarm.objects.create(controller=controller, kind="door.forced_open",
                                raised_at=timezone.now())


def test_anonymous_is_sent_to_login(client, enrolled):
    response = client.get("/controllers/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_without_permission_is_refused(client, enrolled, django_user_model):
    user = django_user_model.objects.create_user("agent", password="x" * 24)
    client.force_login(user)
    assert client.get("/controllers/").status_code == 403
    assert client.get("/controllers/alarms/").status_code == 403


def test_list_and_detail_show_status(client, operator, enrolled):
    controller, _ = enrolled
    controller.last_seen = timezone.now()
    controller.reported_version = 3
    controller.spool_depth = 12
    controller.save()
    client.force_login(operator)
    page = client.get("/controllers/").content.decode()
    assert "ctl-1" in page and "Online" in page and ">12<" in page
    detail = client.get(f"/controllers/{controller.pk}/").content.decode()
    assert "D-VAULT" in detail and "fail-secure" in detail


def test_alarm_acknowledge_and_clear_are_audited(client, operator, alarm):
    client.force_login(operator)
    assert "door.forced_open" in client.get("/controllers/alarms/").content.decode()
    client.post(f"/controllers/alarms/{alarm.pk}/acknowledge/")
    client.post(f"/controllers/alarms/{alarm.pk}/clear/", {"note": "checked"})
    alarm.refresh_from_db()
    assert alarm.state == "cleared"
    actors = set(AuditEvent.objects.filter(action__in=["alarm.acknowledge", "alarm.clear"])
                 .values_list("actor", flat=True))
    assert actors == {"guard"}


def test_alarm_actions_need_change_permission(client, django_user_model, alarm):
    user = django_user_model.objects.create_user("viewer", password="x" * 24)
    user.user_permissions.add(Permission.objects.get(codename="view_alarm"))
    client.force_login(user)
    assert client.post(f"/controllers/alarms/{alarm.pk}/clear/").status_code == 403
    alarm.refresh_from_db()
    assert alarm.state == "open"


def test_actions_are_post_only(client, operator, alarm):
    client.force_login(operator)
    assert client.get(f"/controllers/alarms/{alarm.pk}/clear/").status_code == 405


def test_an_empty_list_says_how_to_add_the_first_controller(client, operator):
    client.force_login(operator)
    page = client.get("/controllers/").content.decode()
    assert "vaultdoor controller add" in page and "Nothing matches" not in page
    filtered = client.get("/controllers/?q=nothing-like-this").content.decode()
    assert "Nothing matches these filters." in filtered
