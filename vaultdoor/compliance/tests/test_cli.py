"""`vaultdoor compliance report [--json] [--site CODE]`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultdoor.cli import main

from .conftest import Centre

pytestmark = pytest.mark.django_db


def test_the_table_lists_every_control_and_the_overall_score(centre):
    vault = centre.zone("vault", security="high")
    centre.door("D-VAULT", vault, mode="card_and_pin")
    result = CliRunner().invoke(main, ["compliance", "report"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("PASS  100  Vault door: All 1 door(s)")
    assert lines[7].startswith("N/A     -  Antivirus and firewalls:")
    assert lines[-1].startswith("overall ") and "(all sites)" in lines[-1]


def test_json_has_the_evidence_and_site_scopes_the_building_controls(centre):
    centre.door("D-VAULT", centre.zone("vault", security="high"), mode="card_and_pin")
    other = Centre("other")
    other.door("D-PIN", other.zone("vault", security="high"), mode="pin")
    everywhere = json.loads(CliRunner().invoke(main, ["compliance", "report", "--json"]).stdout)
    assert everywhere["site"] is None and everywhere["controls"][0]["status"] == "fail"
    result = CliRunner().invoke(main, ["compliance", "report", "--json", "--site", "hq"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    door = data["controls"][0]
    assert (data["site"], door["id"], door["status"], door["scope"]) == (
        "hq", "vault-door", "pass", "site")
    assert {"label": "Doors into them", "value": 1, "url_name": "console:door_list",
            "url": "/doors/"} in door["evidence"]
    assert data["controls"][2]["scope"] == "organisation"
    assert set(data["counts"]) == {"pass", "warn", "fail", "not_measured"}


def test_an_unknown_site_is_named_with_exit_2(db):
    result = CliRunner().invoke(main, ["compliance", "report", "--site", "nowhere"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --site: no site with id 'nowhere'"
