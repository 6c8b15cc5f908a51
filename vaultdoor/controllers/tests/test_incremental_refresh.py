"""A controller's snapshot patched from the change journal equals a full rebuild, change by
change; changes not confined to one person take the full path."""

from __future__ import annotations

import random

import pytest

from vaultdoor.access.models import AccessLevel, Role, SiteChange
from vaultdoor.controllers.services import compiler
from vaultdoor.facilities.models import Site, Zone
from vaultdoor.people.models import Biometric, Card, Person

pytestmark = pytest.mark.django_db


def _revision(site: Site) -> int:
    return int(Site.objects.values_list("revision", flat=True).get(pk=site.pk))


def _full_fingerprint(controller) -> str:
    compiler._site_at.cache_clear()
    return compiler._build_state(controller, _revision(controller.site)).fingerprint()


def _person_changes(site: Site, rng: random.Random):
    """Changes an operator makes to people through the ORM (the console and the admin do)."""
    people = list(Person.objects.filter(site=site).order_by("pk"))
    levels = list(AccessLevel.objects.filter(site=site).order_by("pk"))
    roles = list(Role.objects.filter(site=site).order_by("pk"))

    def card_lost_or_found():
        card = rng.choice(list(Card.objects.filter(person__site=site).order_by("pk")))
        card.status = "lost" if card.status == "active" else "active"
        card.save()

    def card_deactivated_or_back():
        card = rng.choice(list(Card.objects.filter(person__site=site).order_by("pk")))
        card.active = not card.active
        card.save()

    def new_card():
        person = rng.choice(people)
        Card.objects.create(person=person, facility=77, number=rng.randrange(1, 60000),
                            format="h10301")

    def vetting():
        person = rng.choice(people)
        if person.vetting_status == "cleared":
            person.vetting_status, person.vetting_findings = "adverse", ["fraud"]
        else:
            person.vetting_status, person.vetting_findings = "cleared", []
        person.save()

    def status():
        person = rng.choice(people)
        person.status = rng.choice(["active", "suspended", "terminated"])
        person.save()

    def renamed():
        person = rng.choice(people)
        person.name = f"{person.name.split(' #')[0]} #{rng.randrange(100)}"
        person.save()

    def role():
        person = rng.choice(people)
        person.role = rng.choice([*roles, None])
        person.save()

    def own_level_added_or_removed():
        person, level = rng.choice(people), rng.choice(levels)
        if person.access_levels.filter(pk=level.pk).exists():
            person.access_levels.remove(level)
        else:
            person.access_levels.add(level)

    def biometric():
        person = rng.choice(people)
        Biometric.objects.create(person=person, consent=True, status="active")

    def newcomer():
        person = Person.objects.create(site=site, code=f"N{rng.randrange(10**6)}",
                                       name="New Starter", kind="employee", status="active")
        person.access_levels.add(rng.choice(levels))
        people.append(person)

    return [card_lost_or_found, card_deactivated_or_back, new_card, vetting, status, renamed,
            role, own_level_added_or_removed, biometric, newcomer]


@pytest.mark.parametrize("doors", [("D-MAIN",), ("D-MAIN", "D-VAULT"), ("D-VAULT",)])
def test_patched_snapshots_equal_full_rebuilds(add_controller, site, doors):
    controller, _ = add_controller("ctl-inc", doors)
    compiler.refresh(controller)
    rng = random.Random("-".join(doors))
    changes = _person_changes(site, rng)
    patched = 0
    for step in range(60):
        since = _revision(site)
        rng.choice(changes)()
        until = _revision(site)
        confined = compiler.confined_people(site.pk, since, until)
        assert confined is not None, f"step {step}: a change to people was not confined"
        snapshot = compiler.refresh(controller)
        patched += 1
        assert snapshot.fingerprint == _full_fingerprint(controller), f"step {step}"
    assert patched == 60


def test_several_revisions_patched_at_once_equal_a_full_rebuild(add_controller, site):
    controller, _ = add_controller("ctl-inc", ("D-MAIN", "D-VAULT"))
    compiler.refresh(controller)
    rng = random.Random(7)
    changes = _person_changes(site, rng)
    for _ in range(5):
        since = _revision(site)
        for _ in range(8):
            rng.choice(changes)()
        assert compiler.confined_people(site.pk, since, _revision(site)) is not None
        assert compiler.refresh(controller).fingerprint == _full_fingerprint(controller)


def test_a_change_beyond_people_is_not_confined(add_controller, site):
    controller, _ = add_controller("ctl-inc", ("D-MAIN",))
    compiler.refresh(controller)
    since = _revision(site)
    zone = Zone.objects.get(site=site, code="lobby")
    zone.name = "Front lobby"
    zone.save()
    assert compiler.confined_people(site.pk, since, _revision(site)) is None
    assert compiler.refresh(controller).fingerprint == _full_fingerprint(controller)


def test_a_credential_moving_to_another_person_is_not_confined(site):
    card = Card.objects.filter(person__site=site).order_by("pk").first()
    other = Person.objects.filter(site=site).exclude(pk=card.person_id).first()
    since = _revision(site)
    card.person = other
    card.save()
    assert compiler.confined_people(site.pk, since, _revision(site)) is None


def test_a_person_whose_id_changes_is_not_confined(site):
    person = Person.objects.get(site=site, code="E1001")
    since = _revision(site)
    person.code = "E1001-X"
    person.save()
    assert compiler.confined_people(site.pk, since, _revision(site)) is None


def test_a_revision_without_a_journal_row_is_not_confined(site):
    since = _revision(site)
    site.bump_revision()  # as an import does: anything may have changed
    assert compiler.confined_people(site.pk, since, _revision(site)) is None


def test_every_confined_change_writes_one_journal_row(site):
    card = Card.objects.filter(person__site=site).order_by("pk").first()
    since = _revision(site)
    card.status = "lost"
    card.save()
    rows = list(SiteChange.objects.filter(site=site, revision__gt=since)
                .values_list("revision", "person_pk", "person_code"))
    assert rows == [(since + 1, card.person_id, card.person.code)]
