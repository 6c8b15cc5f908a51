"""Site export: a valid site file that imports back without a change."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from vaultdoor.access.services.importer import import_site_text
from vaultdoor.access.services.pinkey import server_pin_hasher
from vaultdoor.access.services.sitedb import export_site_yaml, site_from_db
from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main
from vaultdoor.engine.sitefile import load_site

pytestmark = pytest.mark.django_db


def test_import_of_the_export_changes_nothing(imported):
    exported = export_site_yaml("northgate")
    report = import_site_text(exported, actor="test")
    assert not report.changed, report.changes


def test_the_export_keeps_pins_hashed(imported):
    exported = export_site_yaml("northgate")
    assert "pin_hash: hmac-sha256$" in exported
    for digits in ("4821", "7315", "2290", "5550"):
        assert f"pin: '{digits}'" not in exported and f'pin: "{digits}"' not in exported


def test_the_database_says_what_the_file_says(example_text, imported):
    from_file = load_site(example_text, pin_hasher=server_pin_hasher())
    from_db = site_from_db("northgate")

    def by_id(items):
        return {item.id: item for item in items}

    for kind in ("floors", "zones", "doors", "schedules", "roles", "people"):
        assert by_id(getattr(from_db, kind)) == by_id(getattr(from_file, kind)), kind
    assert set(from_db.holidays) == set(from_file.holidays)
    for level in from_db.access_levels:
        original = by_id(from_file.access_levels)[level.id]
        assert (set(level.zones), level.schedule) == (set(original.zones), original.schedule)


def test_deactivated_objects_are_not_exported(example_text, imported):
    import yaml

    data = yaml.safe_load(example_text)
    data["people"] = [p for p in data["people"] if p["id"] != "C2001"]
    import_site_text(yaml.safe_dump(data), actor="test")
    assert "C2001" not in export_site_yaml("northgate")


def test_cli_export_validates_and_reimports(imported, tmp_path):
    runner = CliRunner()
    out = tmp_path / "northgate.yaml"
    result = runner.invoke(main, ["site", "export", "--site", "northgate", "-o", str(out)])
    assert result.exit_code == 0, result.output
    validated = runner.invoke(main, ["site", "validate", str(out)])
    assert validated.exit_code == 0, validated.output
    assert validated.output.startswith("ok: northgate: 3 floors, 8 zones, 9 doors, 7 people")
    again = runner.invoke(main, ["site", "import", str(out)])
    assert again.exit_code == 0
    assert again.output.startswith("northgate: no changes")
    assert AuditEvent.objects.filter(action="site.export", target_id="northgate").exists()


def test_cli_export_of_an_unknown_site_is_a_clear_error(imported):
    result = CliRunner().invoke(main, ["site", "export", "--site", "nowhere"])
    assert result.exit_code == 2
    assert "no site 'nowhere' (sites: northgate)" in result.output


def test_cli_import_reports_every_problem_and_exits_2(tmp_path, example_text):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        example_text.replace("security: public}", "security: secret}")
        .replace("number: 10231}", "number: 99999999}"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["site", "import", str(bad)])
    assert result.exit_code == 2
    assert "zones[0].security:" in result.output
    assert "people[0].credentials[0].number:" in result.output
    assert "nothing imported" in result.output
    from vaultdoor.facilities.models import Site

    assert not Site.objects.exists()


def test_cli_import_prints_the_summary_and_json(tmp_path, example_text):
    path = tmp_path / "site.yaml"
    path.write_text(example_text, encoding="utf-8")
    result = CliRunner().invoke(main, ["site", "import", str(path)])
    assert result.exit_code == 0
    assert result.output.startswith("northgate: created the site, created 3 floors")
    again = CliRunner().invoke(main, ["site", "import", "--json", str(path)])
    import json

    report = json.loads(again.output)
    assert report["changed"] is False and report["counts"]["zones"] == {"unchanged": 8}


def test_cli_dry_run_says_what_it_would_do_and_writes_nothing(tmp_path, example_text):
    from vaultdoor.facilities.models import Site

    path = tmp_path / "site.yaml"
    path.write_text(example_text, encoding="utf-8")
    result = CliRunner().invoke(main, ["site", "import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "northgate: would have created the site, would have created 3 floors"
    )
    assert not Site.objects.exists()
    assert not AuditEvent.objects.filter(action="site.import").exists()
