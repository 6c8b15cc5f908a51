"""Site-file rules only the YAML text can show: quoting, syntax, duplicates, alias bombs."""

from __future__ import annotations

import pytest

from tests.engine.sites import HASHER
from vaultdoor.engine import SiteValidationError, load_site


def issues_of_text(text: str) -> list[str]:
    with pytest.raises(SiteValidationError) as caught:
        load_site(text, pin_hasher=HASHER)
    return [str(issue) for issue in caught.value.issues]


EXAMPLE_PEOPLE_FREE = """\
version: 1
site: {id: s, name: S, timezone: Europe/London}
floors: [{id: G, name: G, level: 0}]
zones: [{id: lobby, name: Lobby, floor: G}]
doors: [{id: D, name: D, from: outside, to: lobby}]
schedules:
  - id: day
    windows: [{days: [mon], from: %s, to: "20:00"}]
access_levels: [{id: a, zones: [lobby], schedule: day}]
people:
  - id: P
    name: P
    kind: employee
    status: active
    credentials: [{type: pin, pin: %s}]
"""


def test_unquoted_time_says_to_quote_it() -> None:
    # YAML 1.1 reads 19:00 as the number 1140 (base 60); 07:00 happens to stay a string
    issues = issues_of_text(EXAMPLE_PEOPLE_FREE % ("19:00", '"1234"'))
    assert issues == [
        'schedules[0].windows[0].from: must be a quoted string like "07:00" '
        "(YAML reads unquoted times as numbers)"
    ]


def test_unquoted_pin_says_to_quote_it() -> None:
    issues = issues_of_text(EXAMPLE_PEOPLE_FREE % ('"07:00"', "0421"))
    assert len(issues) == 1
    assert issues[0].startswith("people[0].credentials[0].pin: must be a quoted string")


def test_the_text_template_is_valid_when_quoted() -> None:
    load_site(EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"'), pin_hasher=HASHER)


def test_yaml_syntax_error_names_the_line() -> None:
    text = EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"') + "  - {id: Q, name: [unclosed\n"
    issues = issues_of_text(text)
    assert len(issues) == 1
    assert issues[0].startswith("line 17, column ")
    assert "YAML syntax error" in issues[0]


def test_duplicate_yaml_keys_are_reported() -> None:
    text = EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"') + "    status: suspended\n"
    assert issues_of_text(text) == ["line 16: duplicate key 'status' in one mapping"]


def test_empty_file() -> None:
    assert issues_of_text("") == ["the file is empty"]
    assert issues_of_text("# nothing\n") == ["the file is empty"]


def test_not_a_mapping() -> None:
    assert issues_of_text("- 1\n- 2\n") == ["must be a mapping of keys and values, not a list"]


def test_alias_bomb_is_refused() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    issues = issues_of_text("\n".join(lines) + "\n")
    assert issues == ["YAML aliases expand the document too much (an alias bomb?)"]


def test_modest_aliases_are_fine() -> None:
    text = EXAMPLE_PEOPLE_FREE % ('"07:00"', '"0421"')
    text = text.replace("zones: [lobby]", "zones: &z [lobby]")
    text += "roles: [{id: r, access_levels: *z}]\n"  # an alias used where it does not fit
    assert issues_of_text(text) == ["roles[0].access_levels[0]: unknown access level 'lobby'"]


def test_python_tags_are_refused() -> None:
    issues = issues_of_text("!!python/object/apply:os.system ['true']\n")
    assert len(issues) == 1 and "YAML" in issues[0]


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultdoor.engine.sitefile import _yaml

    monkeypatch.setattr(_yaml, "MAX_SITE_BYTES", 100)
    assert issues_of_text("x" * 101) == ["the file is larger than 0 MiB"]
