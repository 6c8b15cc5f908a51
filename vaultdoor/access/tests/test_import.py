"""Site import: create, update, deactivate, reactivate, idempotence, all or nothing."""

from __future__ import annotations

import pytest
import yaml

from vaultdoor.access.models import AccessLevel, Holiday, Role, Schedule
from vaultdoor.access.services.importer import ImportConflict, import_site_text
from vaultdoor.audit.models import AuditEvent
from vaultdoor.engine.sitefile import SiteValidationError
from vaultdoor.facilities.models import Door, Floor, Site, Zone
from vaultdoor.people.models import Biometric, Card, Person, Pin

pytestmark = pytest.mark.django_db


def edited(text: str, change) -> str:
    """The site file after `change(data)` edits its parsed form."""
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def test_first_import_creates_everything(imported):
    counts = imported.counts
    assert imported.site_created
    assert (counts["floors"].created, counts["zones"].created, counts["doors"].created) == (3, 8, 9)
    assert counts["people"].created == 7 and counts["cards"].created == 8
    assert counts["PINs"].created == 4 and counts["biometrics"].created == 1
    assert imported.summary().startswith("northgate: created the site, created 3 floors, 8 zones")
    site = Site.objects.get(code="northgate")
    assert site.timezone == "Europe/London"
    vault = Zone.objects.get(code="vault")
    assert (vault.security, vault.anti_passback, vault.max_occupancy, vault.two_person) == (
        "high", "hard", 3, True
    )
    assert vault.requires_vetting  # defaulted from security: high
    assert Door.objects.get(code="D-MAIN").from_zone is None  # outside
    assert set(AccessLevel.objects.get(code="it-vault").zones.values_list("code", flat=True)) == {
        "corridor-b", "vault"
    }
    lee = Person.objects.get(code="C2001")
    assert lee.role is None and list(lee.access_levels.values_list("code", flat=True)) == [
        "building"
    ]
    assert Person.objects.get(code="E1004").vetting_findings == ["fraud"]
    assert Holiday.objects.count() == 2 and Schedule.objects.count() == 3


def test_pins_are_hashed_before_the_database(imported):
    hashes = list(Pin.objects.values_list("pin_hash", flat=True))
    assert len(hashes) == 4
    for pin_hash in hashes:
        scheme, key_id, digest = pin_hash.split("$")
        assert scheme == "hmac-sha256" and len(bytes.fromhex(digest)) == 32
        # Nothing but the scheme, the key id and a 256-bit digest: no room for the PIN itself
        # (the digest's hex may contain any four digits by chance, so it is not searched).
        assert not any(digits in scheme + key_id for digits in ("4821", "7315", "2290", "5550"))


def test_second_import_of_the_same_file_changes_nothing(example_text, imported):
    site = Site.objects.get(code="northgate")
    stamps = {model: dict(model.objects.values_list("pk", "updated")) for model in (
        Floor, Zone, Door, Person, Card, Pin, Biometric, AccessLevel, Role, Schedule, Holiday)}
    report = import_site_text(example_text, actor="test")
    assert not report.changed
    assert report.summary().startswith("northgate: no changes (unchanged 3 floors")
    assert report.changes == []
    site.refresh_from_db()
    assert report.revision == site.revision == imported.revision
    for model, before in stamps.items():
        assert dict(model.objects.values_list("pk", "updated")) == before, model


def test_changes_are_updated_and_counted(example_text, imported):
    def change(data):
        data["zones"][3]["max_occupancy"] = 2  # vault
        data["doors"][0]["mode"] = "card_and_pin"  # D-MAIN
        data["people"][0]["status"] = "suspended"  # E1001
        data["access_levels"][0]["zones"].remove("training")  # building

    report = import_site_text(edited(example_text, change), actor="test")
    counts = report.counts
    assert (counts["zones"].updated, counts["doors"].updated, counts["people"].updated) == (1, 1, 1)
    assert counts["access levels"].updated == 1
    assert counts["zones"].unchanged == 7
    assert "updated 1 zone, 1 door, 1 access level, 1 person" in report.summary()
    assert "updated zone vault (max_occupancy)" in report.changes
    assert "updated access level building (zones)" in report.changes
    assert Zone.objects.get(code="vault").max_occupancy == 2
    assert Door.objects.get(code="D-MAIN").mode == "card_and_pin"
    assert Person.objects.get(code="E1001").status == "suspended"
    assert report.revision > imported.revision


def test_what_is_gone_is_deactivated_never_deleted_and_comes_back(example_text, imported):
    def drop(data):
        data["people"] = [p for p in data["people"] if p["id"] != "C2001"]
        data["doors"] = [d for d in data["doors"] if d["id"] != "D-TRAINING"]
        data["people"][0]["credentials"] = [
            c for c in data["people"][0]["credentials"] if c["type"] != "pin"
        ]

    report = import_site_text(edited(example_text, drop), actor="test")
    counts = report.counts
    assert counts["people"].deactivated == 1 and counts["doors"].deactivated == 1
    assert counts["cards"].deactivated == 2 and counts["PINs"].deactivated == 2
    assert "deactivated 1 door, 1 person, 2 cards, 2 PINs" in report.summary()
    lee = Person.objects.get(code="C2001")
    assert not lee.active
    assert not Card.objects.filter(person=lee, active=True).exists()
    assert Card.objects.filter(person=lee).count() == 2  # kept, inactive
    assert not Door.objects.get(code="D-TRAINING").active

    again = import_site_text(example_text, actor="test")
    assert again.counts["people"].reactivated == 1
    assert again.counts["doors"].reactivated == 1
    assert again.counts["cards"].reactivated == 2
    assert again.counts["PINs"].reactivated == 2
    assert "reactivated 1 door, 1 person, 2 cards, 2 PINs" in again.summary()
    assert Person.objects.get(code="C2001").active
    assert Person.objects.count() == 7 and Door.objects.count() == 9
    assert not import_site_text(example_text, actor="test").changed


def test_a_card_moving_to_another_person_is_an_update(example_text, imported):
    def move(data):
        card = data["people"][6]["credentials"].pop(1)  # C2001's second card
        data["people"][5]["credentials"].append(card)  # to E1006

    report = import_site_text(edited(example_text, move), actor="test")
    assert report.counts["cards"].updated == 1
    assert Card.objects.get(number=10902).person.code == "E1006"


def test_an_invalid_file_writes_nothing(example_text):
    def break_it(data):
        data["zones"][0]["security"] = "secret"
        data["people"][0]["credentials"][0]["facility"] = 900

    with pytest.raises(SiteValidationError) as caught:
        import_site_text(edited(example_text, break_it), actor="test")
    paths = [issue.path for issue in caught.value.issues]
    assert "zones[0].security" in paths
    assert "people[0].credentials[0].facility" in paths
    assert not Site.objects.exists() and not Zone.objects.exists()
    assert not AuditEvent.objects.filter(action="site.import").exists()


def test_an_invalid_change_leaves_the_previous_import_alone(example_text, imported):
    def break_it(data):
        data["zones"][3]["max_occupancy"] = 2
        data["doors"][3]["mode"] = "pin"  # into the high vault: refused

    with pytest.raises(SiteValidationError):
        import_site_text(edited(example_text, break_it), actor="test")
    assert Zone.objects.get(code="vault").max_occupancy == 3
    assert AuditEvent.objects.filter(action="site.import").count() == 1


def test_a_card_of_another_site_is_a_conflict_and_nothing_is_written(example_text, imported):
    def other_site(data):
        data["site"]["id"] = "southgate"

    with pytest.raises(ImportConflict, match="already belongs to E1001 at site northgate"):
        import_site_text(edited(example_text, other_site), actor="test")
    assert not Site.objects.filter(code="southgate").exists()
    assert Zone.objects.count() == 8


def test_the_import_is_audited_with_its_counts(imported):
    event = AuditEvent.objects.get(action="site.import")
    assert event.seq == imported.audit_seq
    assert event.actor == "test" and event.target_type == "site"
    assert event.target_id == "northgate"
    assert event.context["counts"]["zones"] == {"created": 8}
    assert event.context["changed"] is True
    assert "created zone vault" in event.context["changes"]
    assert "4821" not in str(event.context)


def test_admin_edits_bump_the_site_revision(imported):
    site = Site.objects.get(code="northgate")
    before = site.revision
    zone = Zone.objects.get(code="vault")
    zone.max_occupancy = 1
    zone.save()
    site.refresh_from_db()
    assert site.revision == before + 1
    AccessLevel.objects.get(code="building").zones.remove(zone)
    site.refresh_from_db()
    assert site.revision == before + 2
