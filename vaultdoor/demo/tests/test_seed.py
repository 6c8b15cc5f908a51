"""Seeding the demo fills the database through the real import and decision paths."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from vaultdoor.access.models import DoorEvent, PersonLocation
from vaultdoor.audit.models import AuditEvent
from vaultdoor.demo.seed import reset_admin, seed_demo
from vaultdoor.facilities.models import Site

pytestmark = pytest.mark.django_db

WEDNESDAY_AFTERNOON = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


def test_seed_imports_the_centre_and_replays_a_day():
    lines: list[str] = []
    seed_demo(agents=20, seed=1, if_empty=False, echo=lines.append, now=WEDNESDAY_AFTERNOON)
    assert Site.objects.count() == 1
    events = DoorEvent.objects.all()
    assert events.filter(decision="grant").count() > 100
    reasons = set(events.values_list("reason", flat=True))
    assert {"person_inactive", "vetting_required", "credential_inactive", "wrong_pin"} <= reasons
    assert PersonLocation.objects.exists()  # the day shift is still in at 15:00
    assert AuditEvent.objects.filter(action="access.decision").count() == events.count()
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert any("swipes replayed" in line for line in lines)


def test_seed_if_empty_leaves_an_existing_site_alone():
    seed_demo(agents=10, seed=1, if_empty=False, echo=lambda _: None, now=WEDNESDAY_AFTERNOON)
    before = DoorEvent.objects.count()
    lines: list[str] = []
    seed_demo(agents=10, seed=1, if_empty=True, echo=lines.append, now=WEDNESDAY_AFTERNOON)
    assert DoorEvent.objects.count() == before
    assert "already there" in lines[0]


def test_admin_gets_a_fresh_random_password_each_time():
    first = reset_admin("admin")
    second = reset_admin("admin")
    assert first != second and len(first) >= 16
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(second) and not user.check_password(first)
    assert AuditEvent.objects.filter(action__startswith="auth.").count() == 2
